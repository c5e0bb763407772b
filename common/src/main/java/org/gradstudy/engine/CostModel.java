package org.gradstudy.engine;

import org.gradstudy.study.Normalization;
import org.gradstudy.study.TrialConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A rough estimate of a trial's CPU time, for planning: per training step a fixed overhead plus, per
 * hidden layer, ND4J's per-op overhead and the matrix products at a sustained rate. Calibrated on a
 * 2-core x86-64 machine, one OpenMP thread per trial: depth 10 / 20 / 50 at width 64, batch 64 took
 * about 5 / 7 / 20 ms per step. Treat it as an order of magnitude, not a promise.
 */
public final class CostModel {
    /** Fixed cost of a step (data slicing, output layer, listeners), ms. */
    static final double STEP_MS = 1.5;
    /** ND4J per-op overhead per layer (forward, backward, update of a dense layer), ms. */
    static final double LAYER_OVERHEAD_MS = 0.23;
    /** Extra overhead per layer for batch norm, ms. */
    static final double BATCHNORM_MS = 0.15;
    /** Sustained dense matrix-product rate, FLOP per ms (about 12 GFLOP/s on one core). */
    static final double FLOP_PER_MS = 1.2e7;

    private CostModel() {}

    /** Estimated milliseconds of one training step of {@code trial}. */
    public static double stepMillis(TrialConfig trial) {
        double w = trial.width(), b = trial.training().batchSize();
        double perLayer = LAYER_OVERHEAD_MS + 6 * w * w * b / FLOP_PER_MS
                + (trial.normalization() == Normalization.NONE ? 0 : BATCHNORM_MS);
        return STEP_MS + trial.depth() * perLayer;
    }

    /** Estimated milliseconds of the whole trial. */
    public static double trialMillis(TrialConfig trial) { return stepMillis(trial) * trial.training().steps(); }

    /**
     * Longest estimated trial first ({@link #trialMillis}): the order a run schedules its trials in, so no
     * long trial starts last and runs alone. The estimate counts the per-op overhead that dominates deep
     * narrow networks (at batch 16, depth 64 and width 16 cost five times depth 2 and width 256), which their
     * multiply-adds alone rank the other way round.
     */
    public static final Comparator<TrialConfig> LONGEST_FIRST = Comparator.comparingDouble(CostModel::trialMillis).reversed();

    /**
     * Groups {@code trials}, in their order, into packs of consecutive trials: each pack closes once its
     * estimated time ({@link #trialMillis}) reaches {@code targetMillis}, or once it holds
     * {@code trials.size() / minPacks} trials, so there are at least {@code minPacks} packs whenever there
     * are that many trials. An engine runs a pack as one task: a task costs a scheduler some milliseconds
     * whatever it holds, as much as a whole tiny trial.
     */
    public static List<List<TrialConfig>> pack(List<TrialConfig> trials, double targetMillis, int minPacks) {
        int cap = Math.max(1, trials.size() / Math.max(1, minPacks));
        List<List<TrialConfig>> packs = new ArrayList<>();
        List<TrialConfig> current = new ArrayList<>();
        double millis = 0;
        for (TrialConfig t : trials) {
            current.add(t);
            millis += trialMillis(t);
            if (millis >= targetMillis || current.size() == cap) {
                packs.add(current);
                current = new ArrayList<>();
                millis = 0;
            }
        }
        if (!current.isEmpty()) packs.add(current);
        return packs;
    }
}
