package org.gradstudy.engine;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.Indexer;

/**
 * Summary statistics of one tensor, computed in double precision whatever the tensor's type (a
 * float32 norm underflows to 0 once elements fall below about 1e-19). The tensor's elements are read
 * once, in bulk, into a reusable {@link Scratch} array; the statistics then take two passes over that
 * cached copy (the second scaled by the largest magnitude, so squares neither underflow nor overflow).
 * Non-finite elements are counted and left out of the other statistics.
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
    public static TensorStats of(INDArray v, double scale, double clip) { return of(v, scale, clip, new Scratch()); }

    /** As {@link #of(INDArray, double, double)}, reading the elements through {@code scratch} (no allocation once it has grown). */
    static TensorStats of(INDArray v, double scale, double clip, Scratch scratch) {
        double[] buf = scratch.load(v);
        int n = scratch.size();
        long zeros = 0, nonFinite = 0;
        double sum = 0, sumAbs = 0, max = 0;
        for (int i = 0; i < n; i++) {
            double g = buf[i];
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
                double g = buf[i];
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

    /** The L2 norm of the finite elements of {@code v}, in double, max-scaled like {@link #of}. */
    static double l2(INDArray v, Scratch scratch) {
        double[] buf = scratch.load(v);
        int n = scratch.size();
        double max = 0;
        for (int i = 0; i < n; i++) {
            double a = Math.abs(buf[i]);
            if (a > max && a != Double.POSITIVE_INFINITY) max = a;
        }
        if (max == 0) return 0;
        double inv = 1.0 / max, sq = 0;
        for (int i = 0; i < n; i++) {
            double g = buf[i];
            if (!Double.isFinite(g)) continue;
            double s = g * inv;
            sq += s * s;
        }
        return max * Math.sqrt(sq);
    }

    /** The largest finite magnitude of {@code v}'s elements. */
    static double maxAbs(INDArray v, Scratch scratch) {
        double[] buf = scratch.load(v);
        int n = scratch.size();
        double max = 0;
        for (int i = 0; i < n; i++) {
            double a = Math.abs(buf[i]);
            if (a > max && a != Double.POSITIVE_INFINITY) max = a;
        }
        return max;
    }

    /**
     * A growable buffer a tensor's elements are copied into, in double, with one bulk read of the native
     * memory (no per-element JNI or bounds-checked accessor). Not thread-safe: one per probe.
     */
    static final class Scratch {
        private double[] d = new double[0];
        private float[] f = new float[0];
        private int size;

        /**
         * Copies {@code v}'s elements in buffer order (its own ordering, c or f); returns the buffer, valid
         * up to {@link #size()}. Only a tensor whose elements are not contiguous is copied first.
         */
        double[] load(INDArray v) {
            if (v.elementWiseStride() != 1) v = v.dup();
            long len = v.length();
            if (len > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor too large for statistics: " + len);
            int n = (int) len;
            if (d.length < n) d = new double[Math.max(n, d.length * 2)];
            size = n;
            DataBuffer buf = v.data(); // for a view: its own elements, starting at index 0
            Indexer ix = buf.indexer();
            if (ix instanceof DoubleIndexer di) {
                di.get(0, d, 0, n);
            } else if (ix instanceof FloatIndexer fi) {
                if (f.length < n) f = new float[Math.max(n, f.length * 2)];
                fi.get(0, f, 0, n);
                for (int i = 0; i < n; i++) d[i] = f[i];
            } else {
                for (int i = 0; i < n; i++) d[i] = buf.getDouble(i);
            }
            return d;
        }

        /** Elements loaded by the last {@link #load}. */
        int size() { return size; }

        /** A reusable flag array of at least {@code n} entries, all false. */
        private boolean[] flags = new boolean[0];

        boolean[] flags(int n) {
            if (flags.length < n) flags = new boolean[n];
            else java.util.Arrays.fill(flags, 0, n, false);
            return flags;
        }
    }
}
