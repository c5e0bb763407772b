package org.gradstudy.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The statistics' main pass ({@link Moments}) in SIMD registers, through JDK 17's incubating
 * Vector API. Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector} (the launcher,
 * the Spark defaults and the tests pass it; see {@link Moments#vector}).
 *
 * <p>The same bits as the scalar pass: element {@code i} goes to partial sum {@code i % 8}, one lane of one
 * 512-bit register or of two 256-bit ones, each partial an IEEE add of the same values in the same order
 * (no fused multiply-add); the caller adds the tail and combines the partials the same way for both. The
 * largest magnitude is a max (exact in any order) and zeros are counted as whole numbers. The zero count
 * uses no lane masks (a masked add fell back to plain Java in an earlier attempt): {@code min(|x| * 2^1074, 1)}
 * is 0 for a zero and 1 for any other finite or infinite value, so the eight partial sums count the
 * non-zero elements exactly. With a NaN the sums are NaN and the caller takes the scaled passes, which
 * recompute everything.
 *
 * <p>The 256-bit kernels (hosts without AVX-512) take the largest magnitude and the non-zero count by
 * compare and blend instead: {@code |x| > m ? |x| : m}, the scalar pass's own expression, and 1 where
 * {@code |x| != 0}. Java's {@code max} and {@code min} keep NaN and order -0.0 below 0.0, which costs
 * several instructions per lane with AVX2; the pass needs neither (|x| is never -0.0, and a NaN sends the
 * tensor to the scaled passes). The main pass over 4096 elements: 0.40-0.49 ns per element against
 * 0.63-0.83 with {@code max}/{@code min} over doubles, 0.61-0.66 against 0.84-0.96 over floats widened as
 * read (a harness on these kernels, AVX2 host, README "Where the time went", twelfth session).
 *
 * <p>Reads byte buffers over native memory ({@code fromByteBuffer}, {@link Scratch#bytes()}): a double tensor in
 * place; a float tensor in place too, widened as read, its doubles written to the thread's buffer on the way for the
 * caller's later passes ({@link #momentsWidening}). Each kernel has one kind of load (an
 * earlier attempt that chose between an array and a buffer inside the loop fell back to plain Java in one JVM
 * of three). Reading in place saves the copy into a Java array the passes took before: 0.41 -> 0.32 ns per
 * element for a gradient's pass over 4096 or 65536 doubles, copy included (this project's host, AMD EPYC,
 * AVX-512).
 */
final class VectorStats {
    private VectorStats() {}

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final boolean WIDE = D.length() >= 8;
    private static final VectorSpecies<Double> D8 = WIDE ? DoubleVector.SPECIES_512 : DoubleVector.SPECIES_256;
    /** Floats of half the width of {@link #D8}: one register of them widens into one of doubles. */
    private static final VectorSpecies<Float> F = WIDE ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;
    /** 2^537: |x| * 2^537 * 2^537 >= 1 for every non-zero double (the smallest is 2^-1074). */
    private static final double UP = 0x1p537;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Whether vectors of at least 256 bits are compiled to SIMD instructions here (else the API emulates them, slowly). */
    static boolean usable() { return D.vectorBitSize() >= 256; }

    /**
     * Over elements [0, n & ~7) of the doubles at byte {@code at} of {@code a}: element i into partial i % 8 of the
     * sums of x at {@code out[0..8)}, |x| at {@code [8..16)}, x^2 at {@code [16..24)}, of the largest |x| at
     * {@code [24..32)}, and the number of zeros into {@code out[32]}. Returns the first element not read.
     */
    static int moments(ByteBuffer a, int at, int n, double[] out) {
        return WIDE ? moments512(a, at, n, out) : moments256(a, at, n, out);
    }

    private static int moments512(ByteBuffer a, int at, int n, double[] out) {
        DoubleVector s = DoubleVector.zero(D8), b = s, q = s, m = s, z = s;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            DoubleVector g = DoubleVector.fromByteBuffer(D8, a, at + (i << 3), NATIVE), ag = g.abs();
            s = s.add(g);
            b = b.add(ag);
            q = q.add(g.mul(g));
            m = m.max(ag);
            z = z.add(ag.mul(UP).mul(UP).min(1.0));
        }
        s.intoArray(out, 0);
        b.intoArray(out, 8);
        q.intoArray(out, 16);
        m.intoArray(out, 24);
        out[32] = i - nonZeros(z);
        return i;
    }

    private static int moments256(ByteBuffer a, int at, int n, double[] out) {
        DoubleVector s0 = DoubleVector.zero(D8), s1 = s0, b0 = s0, b1 = s0, q0 = s0, q1 = s0, m0 = s0, m1 = s0, z0 = s0, z1 = s0;
        DoubleVector zero = s0, one = DoubleVector.broadcast(D8, 1.0);
        int i = 0;
        for (; i + 7 < n; i += 8) {
            DoubleVector g = DoubleVector.fromByteBuffer(D8, a, at + (i << 3), NATIVE), h = DoubleVector.fromByteBuffer(D8, a, at + (i << 3) + 32, NATIVE);
            DoubleVector ag = g.abs(), ah = h.abs();
            s0 = s0.add(g);
            s1 = s1.add(h);
            b0 = b0.add(ag);
            b1 = b1.add(ah);
            q0 = q0.add(g.mul(g));
            q1 = q1.add(h.mul(h));
            m0 = m0.blend(ag, m0.lt(ag));
            m1 = m1.blend(ah, m1.lt(ah));
            z0 = z0.add(one.blend(zero, ag.eq(zero)));
            z1 = z1.add(one.blend(zero, ah.eq(zero)));
        }
        s0.intoArray(out, 0);
        s1.intoArray(out, 4);
        b0.intoArray(out, 8);
        b1.intoArray(out, 12);
        q0.intoArray(out, 16);
        q1.intoArray(out, 20);
        m0.intoArray(out, 24);
        m1.intoArray(out, 28);
        out[32] = i - nonZeros(z0) - nonZeros(z1);
        return i;
    }

    /**
     * {@link #moments} over the floats at byte {@code at} of {@code f}, each widened to double (exactly: the same
     * values, so the same bits as widening first) and also written to {@code d} from byte 0, so that the caller's
     * later passes read doubles. One pass instead of a copy, a widening and a pass.
     */
    static int momentsWidening(ByteBuffer f, int at, ByteBuffer d, int n, double[] out) {
        return WIDE ? momentsWidening512(f, at, d, n, out) : momentsWidening256(f, at, d, n, out);
    }

    private static int momentsWidening512(ByteBuffer f, int at, ByteBuffer d, int n, double[] out) {
        DoubleVector s = DoubleVector.zero(D8), b = s, q = s, m = s, z = s;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            DoubleVector g = widened(f, at, i), ag = g.abs();
            g.intoByteBuffer(d, i << 3, NATIVE);
            s = s.add(g);
            b = b.add(ag);
            q = q.add(g.mul(g));
            m = m.max(ag);
            z = z.add(ag.mul(UP).mul(UP).min(1.0));
        }
        s.intoArray(out, 0);
        b.intoArray(out, 8);
        q.intoArray(out, 16);
        m.intoArray(out, 24);
        out[32] = i - nonZeros(z);
        return i;
    }

    private static int momentsWidening256(ByteBuffer f, int at, ByteBuffer d, int n, double[] out) {
        DoubleVector s0 = DoubleVector.zero(D8), s1 = s0, b0 = s0, b1 = s0, q0 = s0, q1 = s0, m0 = s0, m1 = s0, z0 = s0, z1 = s0;
        DoubleVector zero = s0, one = DoubleVector.broadcast(D8, 1.0);
        int i = 0;
        for (; i + 7 < n; i += 8) {
            DoubleVector g = widened(f, at, i), h = widened(f, at, i + 4);
            g.intoByteBuffer(d, i << 3, NATIVE);
            h.intoByteBuffer(d, (i + 4) << 3, NATIVE);
            DoubleVector ag = g.abs(), ah = h.abs();
            s0 = s0.add(g);
            s1 = s1.add(h);
            b0 = b0.add(ag);
            b1 = b1.add(ah);
            q0 = q0.add(g.mul(g));
            q1 = q1.add(h.mul(h));
            m0 = m0.blend(ag, m0.lt(ag));
            m1 = m1.blend(ah, m1.lt(ah));
            z0 = z0.add(one.blend(zero, ag.eq(zero)));
            z1 = z1.add(one.blend(zero, ah.eq(zero)));
        }
        s0.intoArray(out, 0);
        s1.intoArray(out, 4);
        b0.intoArray(out, 8);
        b1.intoArray(out, 12);
        q0.intoArray(out, 16);
        q1.intoArray(out, 20);
        m0.intoArray(out, 24);
        m1.intoArray(out, 28);
        out[32] = i - nonZeros(z0) - nonZeros(z1);
        return i;
    }

    /**
     * Whether float tensors are better copied into a Java array and widened from there ({@link HeapFloatStats}) than
     * read in place through a byte buffer: on hosts whose preferred vectors are 256 bits. There a vector load from a
     * byte buffer over native memory costs several times a load from an array (JDK 17; the buffer's address, bounds
     * and scope are checked at each load), and the float passes read and write more than they compute. Measured on an
     * AVX2 host, a harness over these kernels, float tensors of 4096 and 65536 elements: the main pass 0.61-0.96 ns per
     * element in place, 0.41-0.50 with the copy into an array (a bulk memory copy of 4 bytes per element, included);
     * the step's pass ({@link HeapFloatStats#subtractFloat}) 0.77-1.23 in place, 0.61-0.73 with both copies in and the
     * parameters' copy back out. Over doubles the copy of 8 bytes per element costs more than it saves (0.40-0.59 in
     * place, 0.42-0.82 copied), and the 512-bit kernels were measured in place on the AVX-512 host (README, "Where the
     * time went").
     */
    static boolean prefersHeapFloats() { return !WIDE; }

    /** {@link #sums} over the floats at byte {@code at} of {@code f}, widened and written to {@code d} as {@link #momentsWidening} does. */
    static int sumsWidening(ByteBuffer f, int at, ByteBuffer d, int n, double[] out) {
        int i = 0;
        if (WIDE) {
            DoubleVector s = DoubleVector.zero(D8), q = s;
            for (; i + 7 < n; i += 8) {
                DoubleVector g = widened(f, at, i);
                g.intoByteBuffer(d, i << 3, NATIVE);
                s = s.add(g);
                q = q.add(g.mul(g));
            }
            s.intoArray(out, 0);
            q.intoArray(out, 16);
        } else {
            DoubleVector s0 = DoubleVector.zero(D8), s1 = s0, q0 = s0, q1 = s0;
            for (; i + 7 < n; i += 8) {
                DoubleVector g = widened(f, at, i), h = widened(f, at, i + 4);
                g.intoByteBuffer(d, i << 3, NATIVE);
                h.intoByteBuffer(d, (i + 4) << 3, NATIVE);
                s0 = s0.add(g);
                s1 = s1.add(h);
                q0 = q0.add(g.mul(g));
                q1 = q1.add(h.mul(h));
            }
            s0.intoArray(out, 0);
            s1.intoArray(out, 4);
            q0.intoArray(out, 16);
            q1.intoArray(out, 20);
        }
        return i;
    }

    /** The {@link #D8}-lane floats from element {@code i} at byte {@code at} of {@code f}, widened (exactly). */
    private static DoubleVector widened(ByteBuffer f, int at, int i) {
        return (DoubleVector) FloatVector.fromByteBuffer(F, f, at + (i << 2), NATIVE).convertShape(VectorOperators.F2D, D8, 0);
    }

    /**
     * Over elements [0, n & ~7) of the doubles at byte {@code at} of {@code a}: element i into partial i % 8 of the sums of x at
     * {@code out[0..8)} and of x^2 at {@code out[16..24)} (the activations' pass; laid out as in
     * {@link #moments}, and the same bits as the scalar {@link Moments#scalar}'s sums: the scalar
     * activation pass is that one). Returns the first element not read.
     */
    static int sums(ByteBuffer a, int at, int n, double[] out) {
        int i = 0;
        if (WIDE) {
            DoubleVector s = DoubleVector.zero(D8), q = s;
            for (; i + 7 < n; i += 8) {
                DoubleVector g = DoubleVector.fromByteBuffer(D8, a, at + (i << 3), NATIVE);
                s = s.add(g);
                q = q.add(g.mul(g));
            }
            s.intoArray(out, 0);
            q.intoArray(out, 16);
        } else {
            DoubleVector s0 = DoubleVector.zero(D8), s1 = s0, q0 = s0, q1 = s0;
            for (; i + 7 < n; i += 8) {
                DoubleVector g = DoubleVector.fromByteBuffer(D8, a, at + (i << 3), NATIVE), h = DoubleVector.fromByteBuffer(D8, a, at + (i << 3) + 32, NATIVE);
                s0 = s0.add(g);
                s1 = s1.add(h);
                q0 = q0.add(g.mul(g));
                q1 = q1.add(h.mul(h));
            }
            s0.intoArray(out, 0);
            s1.intoArray(out, 4);
            q0.intoArray(out, 16);
            q1.intoArray(out, 20);
        }
        return i;
    }


    /**
     * Doubles {@code [0, n & ~7)} of {@code d} (from byte 0) = {@code f[i]} (widening is exact: the same values as
     * the scalar loop), one register of floats converted to one of doubles at a time. Returns the first element
     * not written.
     */
    static int widen(float[] f, ByteBuffer d, int n) {
        int i = 0, step = F.length();
        for (; i + 7 < n; i += step)
            ((DoubleVector) FloatVector.fromArray(F, f, i).convertShape(VectorOperators.F2D, D8, 0)).intoByteBuffer(d, i << 3, NATIVE);
        return i;
    }

    /**
     * {@code p[i] -= u[i]} for i in [0, n & ~7) over the floats at bytes {@code uAt} of {@code u} and {@code pAt} of
     * {@code p}, eight at a time, with the sums of squares of {@code u} into {@code out[0..8)} and of the new {@code p}
     * into {@code out[8..16)}: element i into partial i % 8, widened (exactly), squared and added (each rounded once),
     * in the same order as {@link NormedStep#subtractFloat}'s scalar pass. The one double shape {@link #D8} of the
     * other passes (a second one slowed them all down: README, "Where the time went"). Returns n & ~7, the first
     * element not done.
     */
    static int subtractFloat(ByteBuffer u, int uAt, ByteBuffer p, int pAt, int n, double[] out) {
        int i = 0;
        if (WIDE) {
            DoubleVector q = DoubleVector.zero(D8), r = q;
            for (; i + 7 < n; i += 8) {
                FloatVector x = FloatVector.fromByteBuffer(F, u, uAt + (i << 2), NATIVE);
                FloatVector y = FloatVector.fromByteBuffer(F, p, pAt + (i << 2), NATIVE).sub(x);
                y.intoByteBuffer(p, pAt + (i << 2), NATIVE);
                DoubleVector xd = (DoubleVector) x.convertShape(VectorOperators.F2D, D8, 0);
                DoubleVector yd = (DoubleVector) y.convertShape(VectorOperators.F2D, D8, 0);
                q = q.add(xd.mul(xd));
                r = r.add(yd.mul(yd));
            }
            q.intoArray(out, 0);
            r.intoArray(out, 8);
        } else {
            DoubleVector q0 = DoubleVector.zero(D8), q1 = q0, r0 = q0, r1 = q0;
            for (; i + 7 < n; i += 8) {
                FloatVector x = FloatVector.fromByteBuffer(F, u, uAt + (i << 2), NATIVE);
                FloatVector x4 = FloatVector.fromByteBuffer(F, u, uAt + (i << 2) + 16, NATIVE);
                FloatVector y = FloatVector.fromByteBuffer(F, p, pAt + (i << 2), NATIVE).sub(x);
                FloatVector y4 = FloatVector.fromByteBuffer(F, p, pAt + (i << 2) + 16, NATIVE).sub(x4);
                y.intoByteBuffer(p, pAt + (i << 2), NATIVE);
                y4.intoByteBuffer(p, pAt + (i << 2) + 16, NATIVE);
                DoubleVector xd = (DoubleVector) x.convertShape(VectorOperators.F2D, D8, 0);
                DoubleVector yd = (DoubleVector) y.convertShape(VectorOperators.F2D, D8, 0);
                DoubleVector xd4 = (DoubleVector) x4.convertShape(VectorOperators.F2D, D8, 0);
                DoubleVector yd4 = (DoubleVector) y4.convertShape(VectorOperators.F2D, D8, 0);
                q0 = q0.add(xd.mul(xd));
                q1 = q1.add(xd4.mul(xd4));
                r0 = r0.add(yd.mul(yd));
                r1 = r1.add(yd4.mul(yd4));
            }
            q0.intoArray(out, 0);
            q1.intoArray(out, 4);
            r0.intoArray(out, 8);
            r1.intoArray(out, 12);
        }
        return i;
    }

    /** The lanes' counts added up: whole numbers below 2^53, exact in any order (NaN stays NaN). */
    static double nonZeros(DoubleVector z) { return z.reduceLanes(VectorOperators.ADD); }
}
