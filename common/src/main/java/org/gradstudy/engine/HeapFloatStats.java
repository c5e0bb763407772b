package org.gradstudy.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteBuffer;

/**
 * {@link VectorStats}' float kernels over Java arrays, for hosts where a float tensor is better copied into an
 * array first ({@link VectorStats#prefersHeapFloats}, {@link Moments#heapFloats}): the same partial sums in the same
 * lanes as the in-place kernels and the scalar loops, so the same bits. Loaded, like {@link VectorStats}, only when
 * the JVM has the incubating Vector API module.
 */
final class HeapFloatStats {
    private HeapFloatStats() {}

    /** 256-bit doubles and the 128-bit floats that widen into one: SIMD on any host {@link VectorStats#usable} accepts. */
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;

    /**
     * {@link VectorStats#moments} over the floats {@code f[0, n & ~7)}, each widened to double (exactly) and also written to
     * {@code d[i]}: the heap form of {@link VectorStats#momentsWidening(ByteBuffer, int, ByteBuffer, int, double[])}, with the
     * same partial sums in the same lanes (two 256-bit registers, elements i..i+3 and i+4..i+7), so the same bits.
     */
    static int momentsWidening(float[] f, double[] d, int n, double[] out) {
        DoubleVector s0 = DoubleVector.zero(D4), s1 = s0, b0 = s0, b1 = s0, q0 = s0, q1 = s0, m0 = s0, m1 = s0, z0 = s0, z1 = s0;
        DoubleVector zero = s0, one = DoubleVector.broadcast(D4, 1.0);
        int i = 0;
        for (; i + 7 < n; i += 8) {
            DoubleVector g = widened(f, i), h = widened(f, i + 4);
            g.intoArray(d, i);
            h.intoArray(d, i + 4);
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
        out[32] = i - VectorStats.nonZeros(z0) - VectorStats.nonZeros(z1);
        return i;
    }

    /** {@link VectorStats#sums} over the floats {@code f[0, n & ~7)}, widened and written to {@code d} as {@link #momentsWidening(float[], double[], int, double[])} does. */
    static int sumsWidening(float[] f, double[] d, int n, double[] out) {
        DoubleVector s0 = DoubleVector.zero(D4), s1 = s0, q0 = s0, q1 = s0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            DoubleVector g = widened(f, i), h = widened(f, i + 4);
            g.intoArray(d, i);
            h.intoArray(d, i + 4);
            s0 = s0.add(g);
            s1 = s1.add(h);
            q0 = q0.add(g.mul(g));
            q1 = q1.add(h.mul(h));
        }
        s0.intoArray(out, 0);
        s1.intoArray(out, 4);
        q0.intoArray(out, 16);
        q1.intoArray(out, 20);
        return i;
    }

    /** Four floats from {@code f[i]}, widened (exactly). */
    private static DoubleVector widened(float[] f, int i) {
        return (DoubleVector) FloatVector.fromArray(F4, f, i).convertShape(VectorOperators.F2D, D4, 0);
    }

    /**
     * {@link VectorStats#subtractFloat(ByteBuffer, int, ByteBuffer, int, int, double[])} over Java arrays: {@code p[i] -= u[i]} for i in
     * [0, n & ~7), with the sums of squares of {@code u} into {@code out[0..8)} and of the new {@code p} into
     * {@code out[8..16)}, the same lanes and order as there, so the same bits. Returns n & ~7.
     */
    static int subtractFloat(float[] u, float[] p, int n, double[] out) {
        DoubleVector q0 = DoubleVector.zero(D4), q1 = q0, r0 = q0, r1 = q0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            FloatVector x = FloatVector.fromArray(F4, u, i), x4 = FloatVector.fromArray(F4, u, i + 4);
            FloatVector y = FloatVector.fromArray(F4, p, i).sub(x), y4 = FloatVector.fromArray(F4, p, i + 4).sub(x4);
            y.intoArray(p, i);
            y4.intoArray(p, i + 4);
            DoubleVector xd = (DoubleVector) x.convertShape(VectorOperators.F2D, D4, 0);
            DoubleVector yd = (DoubleVector) y.convertShape(VectorOperators.F2D, D4, 0);
            DoubleVector xd4 = (DoubleVector) x4.convertShape(VectorOperators.F2D, D4, 0);
            DoubleVector yd4 = (DoubleVector) y4.convertShape(VectorOperators.F2D, D4, 0);
            q0 = q0.add(xd.mul(xd));
            q1 = q1.add(xd4.mul(xd4));
            r0 = r0.add(yd.mul(yd));
            r1 = r1.add(yd4.mul(yd4));
        }
        q0.intoArray(out, 0);
        q1.intoArray(out, 4);
        r0.intoArray(out, 8);
        r1.intoArray(out, 12);
        return i;
    }
}
