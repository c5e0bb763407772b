package org.gradstudy.engine;

import org.gradstudy.study.Activation;
import org.nd4j.linalg.api.buffer.DataBuffer;
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
    public static ActivationStats of(INDArray a, Activation kind) {
        if (a.rank() != 2) throw new IllegalArgumentException("expected [batch, units], got " + java.util.Arrays.toString(a.shape()));
        if (a.ordering() != 'c' || a.elementWiseStride() != 1) a = a.dup('c');
        int rows = (int) a.rows(), cols = (int) a.columns();
        DataBuffer buf = a.data();
        boolean[] alive = new boolean[cols];
        double sum = 0, sq = 0;
        long sat = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                double x = buf.getDouble((long) i * cols + j);
                sum += x;
                sq += x * x;
                if (x > 0) alive[j] = true;
                if (kind == Activation.TANH ? Math.abs(x) > SATURATION : x < 1 - SATURATION || x > SATURATION) sat++;
            }
        double n = (double) rows * cols, mean = sum / n;
        int dead = 0;
        for (boolean al : alive) if (!al) dead++;
        return new ActivationStats(mean, Math.sqrt(Math.max(0, sq / n - mean * mean)),
                kind.saturating() ? sat / n : null, kind.reluFamily() ? (double) dead / cols : null);
    }
}
