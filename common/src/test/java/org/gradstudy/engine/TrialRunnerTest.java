package org.gradstudy.engine;

import org.gradstudy.result.LayerStat;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.TrialStatus;
import org.gradstudy.study.Activation;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Init;
import org.gradstudy.study.Optimizer;
import org.gradstudy.study.Precision;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialRunnerTest {
    /** wall_ms is rounded to the nearest millisecond, not truncated. */
    @Test
    void wallTimeIsRoundedToWholeMilliseconds() {
        assertEquals(2, TrialRunner.roundedMillis(2_499_999));
        assertEquals(3, TrialRunner.roundedMillis(2_500_000));
        assertEquals(3, TrialRunner.roundedMillis(2_600_000));
        assertEquals(0, TrialRunner.roundedMillis(400_000));
    }

    static TrialConfig trial(Activation a, Init init, int depth, double lr, Training t, int every) {
        return Trials.of(a, init, depth, 32, lr, t, new ProbeSettings(every), 99);
    }

    static final Training SPIRALS = Training.synthetic(60, 32, DatasetKind.SPIRALS, 512, 3, 16, 0.25, Precision.DOUBLE);

    @Test
    void okTrialRecordsTheScheduleAndLearns() {
        TrialResult r = TrialRunner.run(trial(Activation.RELU, Init.HE_NORMAL, 3, 0.1, SPIRALS, 25));
        assertEquals(TrialStatus.OK, r.status());
        assertNull(r.error());
        assertEquals(60, r.stepsRun());
        // Steps 0, 25, 50 and the last (59); 4 layers x (W, b) each.
        assertEquals(List.of(0, 25, 50, 59), r.layerStats().stream().map(LayerStat::step).distinct().toList());
        assertEquals(4 * 8, r.layerStats().size());
        assertTrue(r.trainAccuracy() > 0.34, "better than chance (1/3) on spirals: " + r.trainAccuracy());
        assertNotNull(r.testLoss());
        // Same config, same numbers: data, init and batches all derive from the trial seed.
        assertEquals(r.layerStats(), TrialRunner.run(trial(Activation.RELU, Init.HE_NORMAL, 3, 0.1, SPIRALS, 25)).layerStats());
    }

    @Test
    void explodingTrialIsRecordedAsDivergedAtTheFirstNonFiniteStep() {
        Training t = Training.synthetic(200, 32, DatasetKind.TEACHER, 256, 3, 32, 0.25, Precision.DOUBLE);
        TrialResult r = TrialRunner.run(trial(Activation.IDENTITY, Init.LARGE_NORMAL, 8, 1.0, t, 1000));
        assertEquals(TrialStatus.DIVERGED, r.status());
        int bad = r.firstNonfiniteStep();
        assertEquals(bad + 1, r.stepsRun(), "training stops at the first non-finite step");
        // The divergence step is recorded although the schedule (every 1000) would skip it.
        List<LayerStat> atBad = r.layerStats().stream().filter(s -> s.step() == bad).toList();
        assertEquals(18, atBad.size());
        assertTrue(atBad.stream().anyMatch(s -> s.gradNonFinite() > 0 || !Double.isFinite(s.loss())));
        assertNull(r.trainLoss(), "a diverged network has no finite loss");
    }

    @Test
    void aScheduledStepFindsTheSameFirstNonFiniteStepAsTheEveryStepCheck() {
        // Recorded steps take non-finiteness from the gradients' statistics instead of the flat-gradient pass.
        Training t = Training.synthetic(200, 32, DatasetKind.TEACHER, 256, 3, 32, 0.25, Precision.DOUBLE);
        TrialResult sparse = TrialRunner.run(trial(Activation.IDENTITY, Init.LARGE_NORMAL, 8, 1.0, t, 1000));
        TrialResult every = TrialRunner.run(trial(Activation.IDENTITY, Init.LARGE_NORMAL, 8, 1.0, t, 1));
        assertEquals(TrialStatus.DIVERGED, every.status());
        assertEquals(sparse.firstNonfiniteStep(), every.firstNonfiniteStep());
        assertEquals(sparse.firstNonfiniteLayer(), every.firstNonfiniteLayer());
        int bad = every.firstNonfiniteStep();
        assertEquals(sparse.layerStats().stream().filter(s -> s.step() == bad).toList(),
                every.layerStats().stream().filter(s -> s.step() == bad).toList());
    }

    @Test
    void anExceptionBecomesAFailedTrialWithItsMessage() {
        // Impossible on purpose: a batch larger than the training set (the study parser refuses this).
        Training t = Training.synthetic(5, 500, DatasetKind.SPIRALS, 100, 3, 16, 0.25, Precision.DOUBLE);
        TrialResult r = TrialRunner.run(trial(Activation.RELU, Init.HE_NORMAL, 2, 0.1, t, 1));
        assertEquals(TrialStatus.FAILED, r.status());
        assertEquals("java.lang.IllegalArgumentException: batch size 500 exceeds the 75 training examples", r.error());
        assertEquals(0, r.stepsRun());
    }
}
