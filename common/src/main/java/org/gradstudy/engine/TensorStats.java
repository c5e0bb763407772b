package org.gradstudy.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Summary statistics of one tensor, computed in double precision whatever the tensor's type (a
 * float32 norm underflows to 0 once elements fall below about 1e-19). A double tensor's elements are
 * read in place, in its native memory (by the SIMD pass too, {@link Moments}); a float tensor's are widened
 * once into a reusable {@link Scratch} buffer. The statistics then take one pass
 * with unscaled sums. Only at extreme magnitudes (a square that
 * could underflow or overflow) or with a non-finite element do they take two passes, the second scaled by
 * the largest magnitude. Non-finite elements are counted and left out of the other statistics.
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
        Object a = scratch.view(v, true);
        long o = scratch.offset;
        int n = scratch.size;
        // One pass with unscaled sums in eight partial sums per statistic (a single chain of dependent adds
        // would wait on each add's latency; eight fill one 512-bit register or two 256-bit ones: VectorStats
        // runs this pass when it can, with the same bits). Exact to rounding while every square is a normal
        // double and the sum of squares is finite; otherwise, or with a non-finite element, the scaled passes.
        double[] p = scratch.partials;
        int i;
        if (Moments.vector && n >= Moments.VECTOR_MIN && scratch.vectorReadable()) i = Moments.pass(scratch, n, p);
        else {
            scratch.settle();
            i = Moments.scalar(a, o, n, p);
        }
        for (; i < n; i++) {
            double g = at(a, o, i), ag = Math.abs(g);
            int k = i & 7;
            p[k] += g;
            p[8 + k] += ag;
            p[16 + k] += g * g;
            p[24 + k] = ag > p[24 + k] ? ag : p[24 + k];
            p[32] += g == 0 ? 1 : 0;
        }
        double sum = Moments.combine(p, 0), sumAbs = Moments.combine(p, 8), sq = Moments.combine(p, 16), max = 0;
        for (int k = 24; k < 32; k++) max = p[k] > max ? p[k] : max;
        long zeros = (long) p[32];
        if (!(sq <= SQ_MAX) || max < TINY || !Double.isFinite(sum))
            return scaled(a instanceof double[] arr ? arr : scratch.doubles(), n, scale, clip);
        double mean = sum / n, var = sq / n - mean * mean;
        // sq/n - mean^2 loses about 1e-16 * mean^2 / var of relative precision: past 1e-6 of mean^2, a second
        // pass on deviations from the first element k (sum(d^2)/n - (sum(d)/n)^2 with d = g - k, exact for an
        // all-equal tensor, the symmetric case, where the computed mean itself would carry rounding).
        if (var < 1e-6 * mean * mean) {
            double k = at(a, o, 0), d0 = 0, d1 = 0, e0 = 0, e1 = 0;
            for (i = 0; i + 1 < n; i += 2) {
                double d = at(a, o, i) - k, e = at(a, o, i + 1) - k;
                d0 += d;
                d1 += e;
                e0 += d * d;
                e1 += e * e;
            }
            if (i < n) {
                double d = at(a, o, i) - k;
                d0 += d;
                e0 += d * d;
            }
            double dm = (d0 + d1) / n;
            var = (e0 + e1) / n - dm * dm;
        }
        double clipped = sq;
        if (clip != Double.POSITIVE_INFINITY) {
            double c = clip / scale, c0 = 0, c1 = 0;
            for (i = 0; i + 1 < n; i += 2) {
                double g = Math.min(Math.abs(at(a, o, i)), c), h = Math.min(Math.abs(at(a, o, i + 1)), c);
                c0 += g * g;
                c1 += h * h;
            }
            if (i < n) {
                double g = Math.min(Math.abs(at(a, o, i)), c);
                c0 += g * g;
            }
            clipped = c0 + c1;
        }
        return new TensorStats(n, Math.sqrt(sq) * scale, sumAbs / n * scale, max * scale, Math.sqrt(Math.max(0, var)) * scale,
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

    /**
     * The L2 norm of the finite elements of {@code v}, in double: one pass ({@link Blas}'s kernel for a double
     * tensor, a loop widening each element in place for a float one), or max-scaled like {@link #of} at
     * extreme magnitudes.
     */
    static double l2(INDArray v, Scratch scratch) {
        if (Blas.appliesToNorm(v)) {
            double sq = scratch.blas.sumSquares(v, scratch.address(v));
            if (sq >= 1e-270 && sq <= SQ_MAX) return Math.sqrt(sq); // else the loops below decide, as for any tensor
        } else if (v.dataType() == DataType.FLOAT && v.elementWiseStride() == 1) {
            double sq = sumSquaresFloat(v, scratch.address(v));
            if (sq >= 1e-270 && sq <= SQ_MAX) return Math.sqrt(sq);
        }
        Object a = scratch.view(v);
        long o = scratch.offset;
        int n = scratch.size;
        double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double x0 = at(a, o, i), x1 = at(a, o, i + 1), x2 = at(a, o, i + 2), x3 = at(a, o, i + 3);
            q0 += x0 * x0;
            q1 += x1 * x1;
            q2 += x2 * x2;
            q3 += x3 * x3;
        }
        for (; i < n; i++) {
            double x = at(a, o, i);
            q0 += x * x;
        }
        double sq = (q0 + q1) + (q2 + q3);
        // With sq >= 1e-270 the largest square is >= 1e-270 / 2^31, so squares lost to underflow (< 2.2e-308
        // each) weigh nothing; below that, or past SQ_MAX, or with a non-finite element: max-scaled passes.
        if (sq >= 1e-270 && sq <= SQ_MAX) return Math.sqrt(sq);
        double[] buf = scratch.doubles();
        double max = 0;
        for (i = 0; i < n; i++) {
            double m = Math.abs(buf[i]);
            if (m > max && m != Double.POSITIVE_INFINITY) max = m;
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

    /**
     * The sum of squares of a contiguous float tensor, each element widened to double as it is read in place
     * (a float square underflows below 1e-19 in magnitude). For a norm this one pass beats the copy into
     * {@link Scratch}'s double array that the statistics use: 0.066 -> 0.047 ms per step for the update and
     * parameter norms of relu d16 w64 float.
     */
    private static double sumSquaresFloat(INDArray v, long o) {
        int n = Math.toIntExact(v.length());
        double q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) { // an int-counted loop: C2 unrolls it, and polls for safepoints less often than in a long one
            long a = o + ((long) i << 2);
            double x0 = UNSAFE.getFloat(a), x1 = UNSAFE.getFloat(a + 4), x2 = UNSAFE.getFloat(a + 8), x3 = UNSAFE.getFloat(a + 12);
            double x4 = UNSAFE.getFloat(a + 16), x5 = UNSAFE.getFloat(a + 20), x6 = UNSAFE.getFloat(a + 24), x7 = UNSAFE.getFloat(a + 28);
            q0 += x0 * x0;
            q1 += x1 * x1;
            q2 += x2 * x2;
            q3 += x3 * x3;
            q4 += x4 * x4;
            q5 += x5 * x5;
            q6 += x6 * x6;
            q7 += x7 * x7;
        }
        for (; i < n; i++) {
            double x = UNSAFE.getFloat(o + ((long) i << 2));
            q0 += x * x;
        }
        java.lang.ref.Reference.reachabilityFence(v);
        return ((q0 + q1) + (q2 + q3)) + ((q4 + q5) + (q6 + q7)); // as Moments.combine, and as NormedStep.subtractFloat
    }

    /** The L2 norm of float tensor {@code v} from {@link NormedStep#subtractFloat}'s sum of squares {@code sq}: as {@link #l2} gives it. */
    static double l2OfFloat(double sq, INDArray v, Scratch scratch) {
        return sq >= 1e-270 && sq <= SQ_MAX ? Math.sqrt(sq) : l2(v, scratch);
    }

    /**
     * The L2 norms of {@code u} and {@code v} into {@code out[0]} and {@code out[1]}, as {@link #l2} gives them,
     * in one pass over both when they have the same length (the update and the parameter it was applied to)
     * and the Java loops read them; with {@link Blas}, one kernel call each.
     */
    static void l2(INDArray u, INDArray v, Scratch su, Scratch sv, double[] out) {
        if (Blas.appliesToNorm(u) || Blas.appliesToNorm(v) || u.dataType() != DataType.DOUBLE || v.dataType() != DataType.DOUBLE) { // each norm as l2 gives it (one view at a time: Scratch)
            out[0] = l2(u, su);
            out[1] = l2(v, sv);
            return;
        }
        Object a = su.view(u), b = sv.view(v);
        long oa = su.offset, ob = sv.offset;
        int n = su.size;
        if (sv.size != n) {
            out[0] = l2(u, su);
            out[1] = l2(v, sv);
            return;
        }
        // The same sums in the same order as l2's, so the results are bit for bit l2's.
        double p0 = 0, p1 = 0, p2 = 0, p3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double x0 = at(a, oa, i), x1 = at(a, oa, i + 1), x2 = at(a, oa, i + 2), x3 = at(a, oa, i + 3);
            double y0 = at(b, ob, i), y1 = at(b, ob, i + 1), y2 = at(b, ob, i + 2), y3 = at(b, ob, i + 3);
            p0 += x0 * x0;
            p1 += x1 * x1;
            p2 += x2 * x2;
            p3 += x3 * x3;
            q0 += y0 * y0;
            q1 += y1 * y1;
            q2 += y2 * y2;
            q3 += y3 * y3;
        }
        for (; i < n; i++) {
            double x = at(a, oa, i), y = at(b, ob, i);
            p0 += x * x;
            q0 += y * y;
        }
        double pu = (p0 + p1) + (p2 + p3), pv = (q0 + q1) + (q2 + q3);
        if (!(pu >= 1e-270 && pu <= SQ_MAX && pv >= 1e-270 && pv <= SQ_MAX)) { // extreme magnitudes: l2's scaled passes
            out[0] = l2(u, su);
            out[1] = l2(v, sv);
            return;
        }
        out[0] = Math.sqrt(pu);
        out[1] = Math.sqrt(pv);
    }

    /**
     * Whether every element of {@code v} (e.g. a network's flat gradient) is finite: one pass summing
     * {@code x * 0}, which is 0 for a finite x and NaN for an infinite or NaN one (so, unlike a plain sum,
     * it cannot overflow), read in place. A tensor {@link Blas} reads is first summed by its kernel: a finite
     * sum of magnitudes rules out any NaN or infinity (either would make the sum NaN or infinite), so only
     * a non-finite sum (a non-finite element, or finite ones past the largest value) takes the exact loop.
     */
    static boolean allFinite(INDArray v, Scratch scratch) {
        if (Blas.applies(v) && Double.isFinite(scratch.blas.asum(v, scratch.address(v)))) return true;
        if (v.dataType() == DataType.FLOAT && v.elementWiseStride() == 1) return allFiniteFloat(v, scratch.address(v));
        Object a = scratch.view(v);
        long o = scratch.offset;
        int n = scratch.size;
        double z0 = 0, z1 = 0, z2 = 0, z3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            z0 += at(a, o, i) * 0.0;
            z1 += at(a, o, i + 1) * 0.0;
            z2 += at(a, o, i + 2) * 0.0;
            z3 += at(a, o, i + 3) * 0.0;
        }
        for (; i < n; i++) z0 += at(a, o, i) * 0.0;
        return (z0 + z1 + z2 + z3) == 0;
    }

    /** {@link #allFinite} of a contiguous float tensor, in float and in place (widening each element first cost 0.3 ns). */
    private static boolean allFiniteFloat(INDArray v, long o) {
        long n = v.length();
        float z0 = 0, z1 = 0, z2 = 0, z3 = 0;
        long i = 0;
        for (; i + 3 < n; i += 4) {
            z0 += UNSAFE.getFloat(o + (i << 2)) * 0f;
            z1 += UNSAFE.getFloat(o + ((i + 1) << 2)) * 0f;
            z2 += UNSAFE.getFloat(o + ((i + 2) << 2)) * 0f;
            z3 += UNSAFE.getFloat(o + ((i + 3) << 2)) * 0f;
        }
        for (; i < n; i++) z0 += UNSAFE.getFloat(o + (i << 2)) * 0f;
        java.lang.ref.Reference.reachabilityFence(v);
        return (z0 + z1 + z2 + z3) == 0;
    }

    /** The native address of {@code v}'s first element (addressPointer() starts at a view's first element, pointer() at its parent's). */
    static long firstElement(INDArray v) {
        org.bytedeco.javacpp.Pointer p = v.data().addressPointer();
        return p.address() + p.position() * v.data().getElementSize();
    }

    /** The largest finite magnitude of {@code v}'s elements. */
    static double maxAbs(INDArray v, Scratch scratch) {
        Object a = scratch.view(v);
        long o = scratch.offset;
        int n = scratch.size;
        double max = 0;
        for (int i = 0; i < n; i++) {
            double m = Math.abs(at(a, o, i));
            if (m > max && m != Double.POSITIVE_INFINITY) max = m;
        }
        return max;
    }

    /** Element {@code i} of the doubles at {@code offset} in {@code base}: native memory when base is null (see {@link Scratch#view}). */
    static double at(Object base, long offset, int i) { return UNSAFE.getDouble(base, offset + ((long) i << 3)); }

    /**
     * Reads native memory in place: a bulk copy into a Java array first (the previous way) was a second
     * pass over every tensor, which costs most where a network's arrays no longer fit in the caches.
     */
    static final sun.misc.Unsafe UNSAFE;

    static {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
