package org.gradstudy.engine;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Summary statistics of one tensor, computed in double precision whatever the tensor's type (a
 * float32 norm underflows to 0 once elements fall below about 1e-19). The tensor's elements are copied
 * once, in bulk, into a reusable {@link Scratch} array; the statistics then take one pass over that copy
 * with unscaled sums. Only at extreme magnitudes (a square that could underflow or overflow) or with a
 * non-finite element do they take two passes, the second scaled by the largest magnitude. Non-finite
 * elements are counted and left out of the other statistics.
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
        // One pass with unscaled sums, two interleaved accumulator sets (a single chain of dependent adds
        // would wait on each add's latency). Exact to rounding while every square is a normal double and
        // the sum of squares is finite; otherwise, or with a non-finite element, the scaled two passes.
        double s0 = 0, s1 = 0, a0 = 0, a1 = 0, q0 = 0, q1 = 0, m0 = 0, m1 = 0;
        int zeros = 0, i = 0;
        for (; i + 1 < n; i += 2) {
            double g = buf[i], h = buf[i + 1], ag = Math.abs(g), ah = Math.abs(h);
            s0 += g;
            s1 += h;
            a0 += ag;
            a1 += ah;
            q0 += g * g;
            q1 += h * h;
            m0 = ag > m0 ? ag : m0;
            m1 = ah > m1 ? ah : m1;
            zeros += (g == 0 ? 1 : 0) + (h == 0 ? 1 : 0);
        }
        if (i < n) {
            double g = buf[i], ag = Math.abs(g);
            s0 += g;
            a0 += ag;
            q0 += g * g;
            m0 = ag > m0 ? ag : m0;
            zeros += g == 0 ? 1 : 0;
        }
        double sum = s0 + s1, sq = q0 + q1, max = Math.max(m0, m1);
        if (!(sq <= SQ_MAX) || max < TINY || !Double.isFinite(sum)) return scaled(buf, n, scale, clip);
        double mean = sum / n, var = sq / n - mean * mean;
        // sq/n - mean^2 loses about 1e-16 * mean^2 / var of relative precision: past 1e-6 of mean^2, a second
        // pass on deviations from the first element k (sum(d^2)/n - (sum(d)/n)^2 with d = g - k, exact for an
        // all-equal tensor, the symmetric case, where the computed mean itself would carry rounding).
        if (var < 1e-6 * mean * mean) {
            double k = buf[0], d0 = 0, d1 = 0, e0 = 0, e1 = 0;
            for (i = 0; i + 1 < n; i += 2) {
                double d = buf[i] - k, e = buf[i + 1] - k;
                d0 += d;
                d1 += e;
                e0 += d * d;
                e1 += e * e;
            }
            if (i < n) {
                d0 += buf[i] - k;
                e0 += (buf[i] - k) * (buf[i] - k);
            }
            double dm = (d0 + d1) / n;
            var = (e0 + e1) / n - dm * dm;
        }
        double clipped = sq;
        if (clip != Double.POSITIVE_INFINITY) {
            double c = clip / scale, c0 = 0, c1 = 0;
            for (i = 0; i + 1 < n; i += 2) {
                double g = Math.min(Math.abs(buf[i]), c), h = Math.min(Math.abs(buf[i + 1]), c);
                c0 += g * g;
                c1 += h * h;
            }
            if (i < n) c0 += Math.min(Math.abs(buf[i]), c) * Math.min(Math.abs(buf[i]), c);
            clipped = c0 + c1;
        }
        return new TensorStats(n, Math.sqrt(sq) * scale, (a0 + a1) / n * scale, max * scale, Math.sqrt(Math.max(0, var)) * scale,
                (double) zeros / n, 0, Math.sqrt(clipped) * scale);
    }

    /**
     * Below this largest magnitude a square may be subnormal (1e-150 squared is 1e-300, 8 orders above the
     * smallest normal double, so even 2^31 of them lose nothing): the scaled path is taken.
     */
    private static final double TINY = 1e-150;
    /** Above this sum of squares an element's square may have overflowed: the scaled path is taken. */
    private static final double SQ_MAX = 1e300;

    /** The scaled two-pass statistics, exact for any finite magnitudes; non-finite elements counted and left out. */
    static TensorStats scaled(double[] buf, int n, double scale, double clip) {
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

    /** The L2 norm of the finite elements of {@code v}, in double: one pass, or max-scaled like {@link #of} at extreme magnitudes. */
    static double l2(INDArray v, Scratch scratch) {
        double[] buf = scratch.load(v);
        int n = scratch.size();
        double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double a = buf[i], b = buf[i + 1], c = buf[i + 2], d = buf[i + 3];
            q0 += a * a;
            q1 += b * b;
            q2 += c * c;
            q3 += d * d;
        }
        for (; i < n; i++) q0 += buf[i] * buf[i];
        double sq = (q0 + q1) + (q2 + q3);
        // With sq >= 1e-270 the largest square is >= 1e-270 / 2^31, so squares lost to underflow (< 2.2e-308
        // each) weigh nothing; below that, or past SQ_MAX, or with a non-finite element: max-scaled passes.
        if (sq >= 1e-270 && sq <= SQ_MAX) return Math.sqrt(sq);
        double max = 0;
        for (i = 0; i < n; i++) {
            double a = Math.abs(buf[i]);
            if (a > max && a != Double.POSITIVE_INFINITY) max = a;
        }
        if (max == 0) return 0;
        double inv = 1.0 / max, scaledSq = 0;
        for (i = 0; i < n; i++) {
            double g = buf[i];
            if (!Double.isFinite(g)) continue;
            double s = g * inv;
            scaledSq += s * s;
        }
        return max * Math.sqrt(scaledSq);
    }

    /** Elements per bulk copy of {@link #allFinite}: 128 KB, so each chunk is summed while in cache. */
    private static final int CHUNK = 16_384;

    /**
     * Whether every element of {@code v} (contiguous, e.g. a network's flat gradient) is finite: one pass
     * summing {@code x * 0}, which is 0 for a finite x and NaN for an infinite or NaN one (so, unlike a plain
     * sum, it cannot overflow). Reads through {@code scratch} in chunks.
     */
    static boolean allFinite(INDArray v, Scratch scratch) {
        if (v.elementWiseStride() != 1) v = v.dup();
        DataBuffer buf = v.data();
        long n = v.length();
        double z0 = 0, z1 = 0, z2 = 0, z3 = 0;
        for (long off = 0; off < n; off += CHUNK) {
            int len = (int) Math.min(CHUNK, n - off);
            double[] d = scratch.read(buf, off, len);
            int i = 0;
            for (; i + 3 < len; i += 4) {
                z0 += d[i] * 0.0;
                z1 += d[i + 1] * 0.0;
                z2 += d[i + 2] * 0.0;
                z3 += d[i + 3] * 0.0;
            }
            for (; i < len; i++) z0 += d[i] * 0.0;
        }
        return (z0 + z1 + z2 + z3) == 0;
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
            size = n;
            return read(v.data(), 0, n);
        }

        /**
         * Copies elements [offset, offset + len) of {@code buf} into the start of the buffer, in double, and
         * returns it. addressPointer() starts at a view's first element (pointer() at its parent's); double
         * and float buffers take one bulk JNI copy.
         */
        double[] read(DataBuffer buf, long offset, int len) {
            if (d.length < len) d = new double[Math.max(len, d.length * 2)];
            switch (buf.dataType()) {
                case DOUBLE -> new DoublePointer(buf.addressPointer()).position(offset).get(d, 0, len);
                case FLOAT -> {
                    if (f.length < len) f = new float[Math.max(len, f.length * 2)];
                    new FloatPointer(buf.addressPointer()).position(offset).get(f, 0, len);
                    for (int i = 0; i < len; i++) d[i] = f[i];
                }
                default -> { for (int i = 0; i < len; i++) d[i] = buf.getDouble(offset + i); }
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
