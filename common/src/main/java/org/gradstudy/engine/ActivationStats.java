package org.gradstudy.engine;

import org.gradstudy.study.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Statistics of one hidden layer's activations over a minibatch (rows = examples, columns = units).
 *
 * @param mean       mean over all entries
 * @param std        population standard deviation over all entries
 * @param saturated  fraction of entries in the flat tails: |a| > 0.99 for tanh, a < 0.01 or a > 0.99 for
 *                   sigmoid; null for other activations
 * @param dead       fraction of units whose output is <= 0 for every example of the batch (relu family;
 *                   for leaky/prelu/rrelu: on the negative side for all); null for other activations
 */
public record ActivationStats(double mean, double std, Double saturated, Double dead) {
    static final double SATURATION = 0.99;

    /** The statistics of activations {@code a} of a layer with activation function {@code kind}. */
    public static ActivationStats of(INDArray a, Activation kind) { return of(a, kind, new TensorStats.Scratch()); }

    /** As {@link #of(INDArray, Activation)}, reading the activations through {@code scratch}. */
    static ActivationStats of(INDArray a, Activation kind, TensorStats.Scratch scratch) {
        if (a.rank() != 2) throw new IllegalArgumentException("expected [batch, units], got " + java.util.Arrays.toString(a.shape()));
        if (a.ordering() != 'c' || a.elementWiseStride() != 1) a = a.dup('c');
        int rows = (int) a.rows(), cols = (int) a.columns();
        double[] buf = scratch.load(a);
        boolean[] alive = scratch.flags(cols);
        boolean tanh = kind == Activation.TANH, saturating = kind.saturating(), relu = kind.reluFamily();
        double sum = 0, sq = 0;
        long sat = 0;
        // One pass; the per-element tests only for the statistics the activation has.
        for (int i = 0; i < rows; i++) {
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
                double x = buf[row + j];
                sum += x;
                sq += x * x;
            }
            if (relu) for (int j = 0; j < cols; j++) if (buf[row + j] > 0) alive[j] = true;
            if (saturating) for (int j = 0; j < cols; j++) {
                double x = buf[row + j];
                if (tanh ? Math.abs(x) > SATURATION : x < 1 - SATURATION || x > SATURATION) sat++;
            }
        }
        double n = (double) rows * cols, mean = sum / n;
        int dead = 0;
        for (int j = 0; j < cols; j++) if (!alive[j]) dead++;
        return new ActivationStats(mean, Math.sqrt(Math.max(0, sq / n - mean * mean)),
                saturating ? sat / n : null, relu ? (double) dead / cols : null);
    }
}
