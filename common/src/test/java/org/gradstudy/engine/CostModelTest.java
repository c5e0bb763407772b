package org.gradstudy.engine;

import org.gradstudy.study.Activation;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Init;
import org.gradstudy.study.Precision;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Packing trials into tasks by their estimated time. */
class CostModelTest {
    private static final Training T = Training.synthetic(20, 16, DatasetKind.SPIRALS, 256, 3, 2, 0.25, Precision.DOUBLE);

    private static TrialConfig trial(int depth, int width, long seed) {
        return Trials.of(Activation.RELU, Init.HE_NORMAL, depth, width, 0.1, T, new ProbeSettings(5), seed);
    }

    /** Depth 2, width 16, batch 16, 20 steps: (1.5 + 2 x (0.23 + 6 x 16^2 x 16 / 1.2e7)) x 20 = 39.28192 ms. */
    @Test
    void anEstimateIsTheStepCostTimesTheSteps() {
        assertEquals(20 * (1.5 + 2 * (0.23 + 6.0 * 16 * 16 * 16 / 1.2e7)), CostModel.trialMillis(trial(2, 16, 0)), 1e-12);
    }

    @Test
    void packsCloseAtTheTargetOrAtTheirShareOfTheTrials() {
        List<TrialConfig> tiny = new ArrayList<>();
        for (int i = 0; i < 10; i++) tiny.add(trial(2, 16, i));
        // 39.3 ms each: three reach 100 ms; at most 10 / 2 = 5 trials a pack.
        assertEquals(List.of(3, 3, 3, 1), sizes(CostModel.pack(tiny, 100, 2)));
        // At least 4 packs: at most 10 / 4 = 2 trials a pack, whatever the target.
        assertEquals(List.of(2, 2, 2, 2, 2), sizes(CostModel.pack(tiny, 1000, 4)));
        // Fewer trials than packs asked for: one each.
        assertEquals(List.of(1, 1, 1), sizes(CostModel.pack(tiny.subList(0, 3), 1000, 4)));
        assertEquals(List.of(), CostModel.pack(List.of(), 100, 4));
    }

    @Test
    void aTrialAsLongAsTheTargetRunsAloneAndTheOrderIsKept() {
        List<TrialConfig> trials = new ArrayList<>();
        trials.add(trial(64, 256, 1)); // 1.5 + 64 x (0.23 + 0.524) = 49.8 ms a step: about 1 s in 20 steps
        trials.add(trial(64, 256, 2));
        for (int i = 0; i < 5; i++) trials.add(trial(2, 16, 10 + i));
        List<List<TrialConfig>> packs = CostModel.pack(trials, 100, 2);
        assertEquals(List.of(1, 1, 3, 2), sizes(packs));
        assertEquals(trials, packs.stream().flatMap(List::stream).toList());
    }

    /**
     * Depth 64 at width 16: 1.5 + 64 x (0.23 + 0.002) = 16.3 ms a step; depth 2 at width 256: 1.5 + 2 x
     * (0.23 + 0.524) = 3.0 ms. Their multiply-adds per step rank them the other way (63 x 16^2 against 256^2).
     */
    @Test
    void theLongestEstimatedTrialComesFirst() {
        TrialConfig deepNarrow = trial(64, 16, 1), shallowWide = trial(2, 256, 2), tiny = trial(2, 16, 3);
        List<TrialConfig> order = new ArrayList<>(List.of(tiny, shallowWide, deepNarrow));
        order.sort(CostModel.LONGEST_FIRST);
        assertEquals(List.of(deepNarrow, shallowWide, tiny), order);
    }

    private static List<Integer> sizes(List<List<TrialConfig>> packs) {
        return packs.stream().map(List::size).toList();
    }
}
