package org.gradstudy.engine;

import org.gradstudy.result.LayerStat;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Init;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The step benchmark's one network with its probes attached in turn ({@link Trainer#attach}). */
class StepBenchTest {
    private static final TrialConfig SAMPLED = Trials.of(Activation.RELU, Init.HE_NORMAL, 3, 40, 0.1, OverheadFixesTest.DOUBLE, new ProbeSettings(2), 7);
    private static final TrialConfig EVERY = Trials.of(Activation.RELU, Init.HE_NORMAL, 3, 40, 0.1, OverheadFixesTest.DOUBLE, new ProbeSettings(1), 7);

    /**
     * Detached, attached and swapped, the probes change no number (the network trains as one that never
     * had a probe, to the bit), each probe sees exactly the steps it was attached for and records them on
     * its own schedule, and each recorded step's norms come from the attached probe's own step function.
     */
    @Test
    void probesAttachedInTurnSeeTheirStepsOnlyAndChangeNothing() {
        try {
            Trainer bare = new Trainer(SAMPLED, null, false);
            Trainer probed = new Trainer(SAMPLED, null, true);
            GradientProbe every = new GradientProbe(probed.built, EVERY);
            int[] blocks = {3, 4, 3, 2, 5}; // off, sampled, every, off, sampled
            GradientProbe[] order = {null, probed.probe, every, null, probed.probe};
            for (int b = 0; b < blocks.length; b++) {
                probed.attach(order[b]);
                for (int i = 0; i < blocks[b]; i++) {
                    probed.step();
                    bare.step();
                }
            }
            assertArrayEquals(bare.net.params().toDoubleVector(), probed.net.params().toDoubleVector(),
                    "17 steps, probes on and off: the parameters of a network that never had one");
            assertEquals(9, probed.probe.stepsSeen(), "the sampled probe saw its two blocks: 4 + 5 steps");
            assertEquals(3, every.stepsSeen(), "the every-step probe saw its block of 3");
            assertEquals(List.of(0, 2, 4, 6, 8), steps(probed.probe), "probe.every 2 over its own 9 steps");
            assertEquals(List.of(0, 1, 2), steps(every), "every step of its own 3");
            if (Blas.LOADED) {
                // Recorded steps (0, 2, 4, 6, 8) and those before one (1, 3, 5, 7) take the norms in the step.
                assertEquals(9, probed.probe.normedSteps(), "the sampled probe's own step function, only while attached");
                assertEquals(3, every.normedSteps(), "the every-step probe's");
            }
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
    }

    /**
     * The benchmark reports a positive time for each repetition of each mode: the minimum count with no
     * time to spare, {@link StepBench#MAX_REPS} when the time would allow more (1000 s: any step under 200 ms;
     * this network's takes well under a millisecond once warm).
     */
    @Test
    void repeatsAtLeastTheMinimumAndAsOftenAsTheTimeAllows() {
        StepBench.Result few = StepBench.measure(SAMPLED, 2, 4, 3, 0);
        StepBench.Result many = StepBench.measure(SAMPLED, 2, 4, 3, 1000);
        for (StepBench.Mode m : StepBench.Mode.values()) {
            assertEquals(3, few.wallMs().get(m).length);
            assertEquals(StepBench.MAX_REPS, many.cpuMs().get(m).length);
            for (double ms : few.wallMs().get(m)) assertTrue(ms > 0, m + ": " + ms);
        }
    }

    /**
     * With the modes taking turns step by step (the long steps' way, forced here at any step time), each mode
     * still gets a positive time for each repetition, the mean of its steps in it, near the block-wise figure:
     * the same network and steps, so within a factor of two (the bound covers a step that waits on a
     * collection or on the other core).
     */
    @Test
    void modesTakingTurnsStepByStepGiveEachRepetitionItsMeanStep() {
        StepBench.Result turns = StepBench.measure(SAMPLED, 4, 4, 20, 0, 0);
        StepBench.Result blocks = StepBench.measure(SAMPLED, 4, 4, 20, 0, Double.POSITIVE_INFINITY);
        for (StepBench.Mode m : StepBench.Mode.values()) {
            assertEquals(20, turns.cpuMs().get(m).length);
            for (double ms : turns.wallMs().get(m)) assertTrue(ms > 0, m + ": " + ms);
            double ratio = turns.wall(m) / blocks.wall(m);
            assertTrue(ratio > 0.5 && ratio < 2, m + ": step by step " + turns.wall(m) + " ms, in blocks " + blocks.wall(m));
        }
    }

    private static List<Integer> steps(GradientProbe p) {
        TreeSet<Integer> s = new TreeSet<>();
        for (LayerStat row : p.stats()) s.add(row.step());
        return List.copyOf(s);
    }
}
