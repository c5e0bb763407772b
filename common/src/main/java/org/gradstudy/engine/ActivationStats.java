package org.gradstudy.engine;

import org.gradstudy.study.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.gradstudy.engine.TensorStats.at;

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
    /** Sigmoid's lower tail: 0.01 itself (1 - 0.99 is 0.010000000000000009 in double). */
    static final double SATURATION_LOW = 0.01;

    /** The statistics of activations {@code a} of a layer with activation function {@code kind}. */
    public static ActivationStats of(INDArray a, Activation kind) { return of(a, kind, new Scratch()); }

    /** As {@link #of(INDArray, Activation)}, reading the activations through {@code scratch}. */
    static ActivationStats of(INDArray a, Activation kind, Scratch scratch) {
        if (a.rank() != 2) throw new IllegalArgumentException("expected [batch, units], got " + java.util.Arrays.toString(a.shape()));
        if (a.ordering() != 'c' || a.elementWiseStride() != 1) a = a.dup('c');
        int rows = (int) a.rows(), cols = (int) a.columns(), size = rows * cols;
        Object base = scratch.view(a, true);
        long o = scratch.offset;
        boolean tanh = kind == Activation.TANH, saturating = kind.saturating(), relu = kind.reluFamily();
        // The sums in eight partials each (a single chain of dependent adds would wait on each add's
        // latency), in SIMD registers when Moments can (VectorStats; the same bits either way). The
        // saturation counts are 0/1 additions, not branches. Testing every relu output's sign was a coin
        // flip the branch predictor lost about half the time, which made this pass cost more than the gradient's.
        double[] p = scratch.partials;
        int i;
        if (Moments.vector && size >= Moments.VECTOR_MIN && scratch.vectorReadable()) i = Moments.sums(scratch, size, p);
        else {
            scratch.settle();
            i = Moments.scalar(base, o, size, p); // its sums of x and x^2: the same partials as VectorStats.sums
        }
        for (; i < size; i++) {
            double x = at(base, o, i);
            p[i & 7] += x;
            p[16 + (i & 7)] += x * x;
        }
        double sum = Moments.combine(p, 0), sq = Moments.combine(p, 16);
        long sat = 0;
        if (tanh) for (i = 0; i < size; i++) sat += Math.abs(at(base, o, i)) > SATURATION ? 1 : 0;
        else if (saturating)
            for (i = 0; i < size; i++) {
                double x = at(base, o, i);
                sat += (x < SATURATION_LOW ? 1 : 0) + (x > SATURATION ? 1 : 0);
            }
        int dead = 0;
        if (relu) // a unit is alive at its first positive output: about two reads for a live one, every row for a dead one
            for (int j = 0; j < cols; j++) {
                int r = 0;
                while (r < rows && !(at(base, o, r * cols + j) > 0)) r++;
                dead += r == rows ? 1 : 0;
            }
        double n = size, mean = sum / n;
        return new ActivationStats(mean, Math.sqrt(Math.max(0, sq / n - mean * mean)),
                saturating ? sat / n : null, relu ? (double) dead / cols : null);
    }
}
