package org.gradstudy.engine;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Summary statistics of one tensor, computed in double precision whatever the tensor's type (a
 * float32 norm underflows to 0 once elements fall below about 1e-19), in two passes over the buffer
 * and without allocating. Non-finite elements are counted and left out of the other statistics.
 *
 * @param n            number of elements
 * @param l2           L2 norm
 * @param meanAbs      mean absolute value, ||g||_1 / n
 * @param maxAbs       largest absolute value
 * @param std          population standard deviation of the elements
 * @param zeroFraction fraction of elements exactly 0
 * @param nonFinite    number of NaN or infinite elements
 * @param clippedL2    L2 norm after clamping each element to [-clip, clip] (= l2 when clip is infinite)
 */
public record TensorStats(long n, double l2, double meanAbs, double maxAbs, double std, double zeroFraction,
                          long nonFinite, double clippedL2) {

    /** Statistics of {@code v} multiplied by {@code scale} (e.g. 1/batch to turn a sum into a mean). */
    public static TensorStats of(INDArray v, double scale) { return of(v, scale, Double.POSITIVE_INFINITY); }

    /** As {@link #of(INDArray, double)}, also the L2 norm after clamping the scaled elements to [-clip, clip]. */
    public static TensorStats of(INDArray v, double scale, double clip) {
        if (v.elementWiseStride() != 1) v = v.dup();
        DataBuffer buf = v.data(); // for a view: its own elements, starting at index 0
        int n = (int) v.length();
        long zeros = 0, nonFinite = 0;
        double sum = 0, sumAbs = 0, max = 0;
        for (int i = 0; i < n; i++) {
            double g = buf.getDouble(i);
            if (!Double.isFinite(g)) { nonFinite++; continue; }
            if (g == 0) zeros++;
            double a = Math.abs(g);
            sum += g;
            sumAbs += a;
            if (a > max) max = a;
        }
        long finite = n - nonFinite;
        double l2 = 0, std = 0, clipped = 0;
        if (max > 0) {
            // Second pass scaled by the max so squares neither underflow nor overflow.
            double mean = sum / finite, inv = 1.0 / max, sq = 0, dev = 0, csq = 0;
            double c = clip / (scale * max); // clip threshold in units of max, on the unscaled values
            for (int i = 0; i < n; i++) {
                double g = buf.getDouble(i);
                if (!Double.isFinite(g)) continue;
                double s = g * inv, d = (g - mean) * inv, m = Math.min(Math.abs(s), c);
                sq += s * s;
                dev += d * d;
                csq += m * m;
            }
            l2 = max * Math.sqrt(sq);
            std = max * Math.sqrt(dev / finite);
            clipped = max * Math.sqrt(csq);
        }
        double meanAbs = finite == 0 ? 0 : sumAbs / finite;
        return new TensorStats(n, l2 * scale, meanAbs * scale, max * scale, std * scale,
                n == 0 ? 0 : (double) zeros / n, nonFinite, clipped * scale);
    }
}
