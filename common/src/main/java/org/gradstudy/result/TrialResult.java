package org.gradstudy.result;

import org.gradstudy.study.TrialConfig;

import java.io.Serializable;
import java.util.List;

/**
 * The outcome of one trial: its config, status, final metrics (null when not finite or not reached),
 * where and when it ran, and the probe's per-layer statistics.
 */
public record TrialResult(TrialConfig config, TrialStatus status, String error, Integer firstNonfiniteStep,
                          int stepsRun, Double trainLoss, Double trainAccuracy, Double testLoss, Double testAccuracy,
                          long parameterCount, long wallMillis, String executor, String versions,
                          List<LayerStat> layerStats) implements Serializable {
    public TrialResult {
        layerStats = List.copyOf(layerStats);
    }
}
