package org.gradstudy.result;

import org.gradstudy.study.TrialConfig;

import java.io.Serializable;
import java.util.List;

/**
 * The outcome of one trial: its config, status, final metrics (null when not finite or not reached),
 * where and when it ran, and the probe's per-layer statistics. {@code firstNonfiniteLayer} is the layer
 * nearest the output whose gradient had a NaN/Inf at the first non-finite step (back-propagation reaches
 * it first; null if only the loss was non-finite); {@code clipRate} the fraction of steps at which
 * clipping changed the gradient.
 */
public record TrialResult(TrialConfig config, TrialStatus status, String error, Integer firstNonfiniteStep,
                          Integer firstNonfiniteLayer, double clipRate, int stepsRun, Double trainLoss, Double trainAccuracy, Double testLoss, Double testAccuracy,
                          long parameterCount, long wallMillis, String executor, String versions,
                          List<LayerStat> layerStats) implements Serializable {
    public TrialResult {
        layerStats = LayerStats.copyOf(layerStats); // compact: results wait in memory for their commit
    }
}
