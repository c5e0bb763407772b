package org.gradstudy.engine;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-pass statistics against the max-scaled two-pass ones they fall back to. */
class TensorStatsTest {

    /** The scaled two-pass statistics of {@code v} (the reference: no square can underflow or overflow). */
    private static TensorStats reference(INDArray v, double scale, double clip) {
        Scratch s = new Scratch();
        s.view(v);
        return TensorStats.scaled(s.doubles().clone(), s.size, scale, clip);
    }

    /**
     * Sums of 65,536 terms in a different order differ by at most about n * 2^-53 relative in the worst
     * case, ~1e-11, and by sqrt(n) * 2^-53 ~ 3e-14 typically: 1e-10 bounds the worst case.
     */
    private static void assertSame(TensorStats want, TensorStats got) {
        double tol = 1e-10;
        assertEquals(want.n(), got.n());
        assertEquals(want.l2(), got.l2(), tol * want.l2(), "l2");
        assertEquals(want.meanAbs(), got.meanAbs(), tol * want.meanAbs(), "meanAbs");
        assertEquals(want.maxAbs(), got.maxAbs(), 0, "maxAbs");
        assertEquals(want.std(), got.std(), tol * want.std(), "std");
        assertEquals(want.zeroFraction(), got.zeroFraction(), 0, "zeroFraction");
        assertEquals(want.nonFinite(), got.nonFinite(), "nonFinite");
        assertEquals(want.clippedL2(), got.clippedL2(), tol * want.clippedL2(), "clippedL2");
    }

    /** The SIMD widening of a float tensor gives the scalar loop's doubles, whatever the length and the values. */
    @Test
    void theSimdWideningGivesTheScalarLoopsDoubles() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Moments.vector, "the JVM runs the Vector API (the build passes the module)");
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.POSITIVE_INFINITY, 1e-40f, -3.5f};
        java.util.Random rnd = new java.util.Random(5);
        for (int n : new int[]{0, 7, 8, 9, 63, 64, 65, 100, 4096, 4103}) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) f[i] = i % 5 == 0 ? special[(i / 5) % special.length] : (float) rnd.nextGaussian();
            java.nio.ByteBuffer d = java.nio.ByteBuffer.allocateDirect((n + 1) * Double.BYTES).order(java.nio.ByteOrder.nativeOrder());
            d.putDouble(n * Double.BYTES, 42);
            Moments.widen(f, d, new org.bytedeco.javacpp.Pointer(d).address(), n, new Scratch());
            for (int i = 0; i < n; i++)
                assertEquals(Double.doubleToRawLongBits(f[i]), Double.doubleToRawLongBits(d.getDouble(i * Double.BYTES)), "n " + n + " element " + i);
            assertEquals(42, d.getDouble(n * Double.BYTES), "nothing written past n");
        }
    }

    /**
     * A float step's parameters and update: Gaussian parameters and small updates (kind 0), a zero update (1), a
     * NaN in the update (2), an infinite parameter (3), and the extremes: the smallest float, -0, the largest, a
     * tiny parameter (4).
     */
    private static float[][] stepCase(java.util.Random rnd, int n, int kind) {
        float[] p = new float[n], u = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) rnd.nextGaussian();
            u[i] = kind == 1 ? 0f : (float) (rnd.nextGaussian() * 1e-3);
        }
        if (kind == 2) u[n / 2] = Float.NaN;
        if (kind == 3) p[n - 1] = Float.POSITIVE_INFINITY;
        if (kind == 4 && n > 3) { u[1] = Float.MIN_VALUE; p[2] = -0.0f; u[3] = Float.MAX_VALUE; p[n - 2] = 1e-30f; }
        return new float[][] {p, u};
    }

    /**
     * The step's float pass ({@link NormedStep}): the parameters less the update, element for element as ND4J's
     * subi gives them, and both norms as {@link TensorStats#l2} takes them afterwards, bit for bit, across the
     * eight-element blocks, and for zeros, a NaN and an infinity (l2's scaled passes).
     */
    @Test
    void theStepsFloatPassSubtractsAndTakesTheNormsAsL2Does() {
        java.util.Random rnd = new java.util.Random(3);
        for (int n : new int[]{1, 3, 4, 7, 8, 9, 15, 64, 1001, 4096}) {
            for (int kind = 0; kind < 4; kind++) {
                float[][] c = stepCase(rnd, n, kind);
                INDArray pa = Nd4j.createFromArray(c[0]), ua = Nd4j.createFromArray(c[1]);
                INDArray expectedP = pa.sub(ua);
                Scratch s1 = new Scratch(), s2 = new Scratch();
                double[] sums = new double[2];
                NormedStep.subtractFloat(s1.address(ua), s2.address(pa), n, sums);
                String what = "n " + n + " kind " + kind;
                for (int i = 0; i < n; i++)
                    assertEquals(Float.floatToRawIntBits(expectedP.getFloat(i)), Float.floatToRawIntBits(pa.getFloat(i)), what + " element " + i);
                assertEquals(Double.doubleToLongBits(TensorStats.l2(ua, new Scratch())),
                        Double.doubleToLongBits(TensorStats.l2OfFloat(sums[0], ua, s1)), what + ": update norm");
                assertEquals(Double.doubleToLongBits(TensorStats.l2(pa, new Scratch())),
                        Double.doubleToLongBits(TensorStats.l2OfFloat(sums[1], pa, s2)), what + ": parameter norm");
            }
        }
    }

    /**
     * The step's SIMD float pass, through byte buffers over the tensors and through Java arrays they are copied into
     * ({@link Moments#heapFloats}): the same new parameters and sums, to the bit, as the scalar pass.
     */
    @Test
    void theStepsSimdFloatPassIsTheInPlacePass() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Moments.vector, "the JVM runs the Vector API (the build passes the module)");
        boolean was = Moments.heapFloats;
        try {
            Moments.heapFloats = false;
            stepsSimdFloatPass();
            Moments.heapFloats = true;
            stepsSimdFloatPass();
        } finally {
            Moments.heapFloats = was;
        }
    }

    private static void stepsSimdFloatPass() {
        java.util.Random rnd = new java.util.Random(5);
        for (int n : new int[]{64, 65, 67, 71, 72, 1001, 4096, 4099}) {
            for (int kind = 0; kind < 5; kind++) {
                float[][] c = stepCase(rnd, n, kind);
                float[] p = c[0], u = c[1];
                INDArray pa = Nd4j.createFromArray(p), ua = Nd4j.createFromArray(u), pb = Nd4j.createFromArray(p), ub = Nd4j.createFromArray(u);
                double[] inPlace = new double[2], simd = new double[2];
                NormedStep.subtractFloat(new Scratch().address(ua), new Scratch().address(pa), n, inPlace);
                Scratch su = new Scratch(), sp = new Scratch();
                String what = "n " + n + " kind " + kind + (Moments.heapFloats ? " in arrays" : " in place");
                assertTrue(NormedStep.subtractFloat(ub, pb, su.address(ub), sp.address(pb), n, simd, su, sp), what + ": byte buffers over both, or arrays");
                for (int i = 0; i < n; i++)
                    assertEquals(Float.floatToRawIntBits(pa.getFloat(i)), Float.floatToRawIntBits(pb.getFloat(i)), what + " element " + i);
                assertEquals(Float.floatToRawIntBits(u[n - 1]), Float.floatToRawIntBits(ub.getFloat(n - 1)), what + ": the update is only read");
                assertEquals(Double.doubleToRawLongBits(inPlace[0]), Double.doubleToRawLongBits(simd[0]), what + ": update sum");
                assertEquals(Double.doubleToRawLongBits(inPlace[1]), Double.doubleToRawLongBits(simd[1]), what + ": parameter sum");
            }
        }
    }

    @Test
    void onePassMatchesTheScaledPassesAtOrdinaryMagnitudes() {
        Nd4j.getRandom().setSeed(11);
        for (double magnitude : new double[] {1e-140, 1e-8, 1, 1e140}) {
            INDArray v = Nd4j.randn(DataType.DOUBLE, 256, 256).addi(0.3).muli(magnitude);
            v.putScalar(7, 0.0);
            assertSame(reference(v, 1.0 / 64, Double.POSITIVE_INFINITY), TensorStats.of(v, 1.0 / 64));
            assertSame(reference(v, 1.0 / 64, 0.01 * magnitude), TensorStats.of(v, 1.0 / 64, 0.01 * magnitude));
            assertEquals(reference(v, 1, Double.POSITIVE_INFINITY).l2(), TensorStats.l2(v, new Scratch()), 1e-10 * v.norm2Number().doubleValue());
        }
    }

    @Test
    void extremeMagnitudesAndNonFiniteElementsTakeTheScaledPasses() {
        INDArray tiny = Nd4j.createFromArray(3e-200, -4e-200, 0.0);
        assertEquals(5e-200, TensorStats.of(tiny, 1).l2(), 1e-214); // each square is 0 in double: 9e-400
        assertEquals(5e-200, TensorStats.l2(tiny, new Scratch()), 1e-214);
        // mean -1e-200 / 3; deviations 10/3, -11/3, 1/3 (x 1e-200): variance 222/27 x 1e-400
        assertEquals(Math.sqrt(222.0 / 27) * 1e-200, TensorStats.of(tiny, 1).std(), 1e-214);
        INDArray huge = Nd4j.createFromArray(3e200, -4e200);
        assertEquals(5e200, TensorStats.of(huge, 1).l2(), 1e186); // each square overflows: 9e400
        assertEquals(5e200, TensorStats.l2(huge, new Scratch()), 1e186);
        INDArray withInf = Nd4j.createFromArray(3.0, Double.POSITIVE_INFINITY, -4.0, Double.NaN);
        TensorStats s = TensorStats.of(withInf, 1);
        assertEquals(2, s.nonFinite());
        assertEquals(5.0, s.l2(), 1e-15);
        assertEquals(5.0, TensorStats.l2(withInf, new Scratch()), 1e-15);
    }

    @Test
    void anAllEqualTensorHasARoundingSizedStd() {
        // The symmetric verdict compares std to 1e-7 of mean|g|: sq/n - mean^2 alone would leave ~1e-8, and
        // deviations from a computed mean ~1e-13 (the mean's own rounding); from an element they are exact.
        INDArray v = Nd4j.valueArrayOf(new long[] {256, 256}, 0.7123456789, DataType.DOUBLE);
        TensorStats s = TensorStats.of(v, 1);
        assertEquals(0.0, s.std(), 0);
        assertEquals(0.7123456789 * 256, s.l2(), 1e-10 * 182.4); // n * 2^-53 relative at worst, as above
    }

    @Test
    void viewsAndFloatTensorsAreReadFromTheirOwnFirstElement() {
        Nd4j.getRandom().setSeed(12);
        INDArray flat = Nd4j.randn(DataType.DOUBLE, 1, 1000);
        INDArray view = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(300, 700));
        assertSame(reference(view.dup(), 1, Double.POSITIVE_INFINITY), TensorStats.of(view, 1));
        INDArray f = flat.castTo(DataType.FLOAT).get(NDArrayIndex.point(0), NDArrayIndex.interval(300, 700));
        TensorStats fs = TensorStats.of(f, 1), ds = TensorStats.of(view, 1);
        assertEquals(ds.l2(), fs.l2(), 1e-6 * ds.l2()); // float rounding of each element: 2^-24 relative
    }

    @Test
    void otherTypesAndStridedViewsAreConvertedFirst() {
        // Small integers are exact in every type, so each path sees the very same doubles in the same order.
        INDArray d = Nd4j.arange(-500, 524).castTo(DataType.DOUBLE).reshape(32, 32);
        TensorStats want = TensorStats.of(d, 0.5);
        assertEquals(want, TensorStats.of(d.castTo(DataType.INT), 0.5));
        assertEquals(want, TensorStats.of(d.castTo(DataType.HALF), 0.5));
        Scratch s = new Scratch();
        INDArray column = d.getColumn(3); // stride 32: copied before it is read
        assertEquals(TensorStats.l2(column.dup(), s), TensorStats.l2(column, s));
        assertEquals(TensorStats.maxAbs(column.dup(), s), TensorStats.maxAbs(column, s));
    }

    /**
     * OpenBLAS's kernels (norms and the non-finite check of tensors of 512 elements or more) read a view from
     * its own first element and sum in an order that depends only on the length (the same bits at any
     * address); a float tensor's squares are still summed in double (by the Java loop).
     */
    @Test
    void blasKernelsReadViewsFromTheirFirstElementWithTheSameBitsAtAnyAddress() {
        assertTrue(Blas.ENABLED, "OpenBLAS, which ND4J's CPU backend ships, should load");
        Nd4j.getRandom().setSeed(13);
        Scratch s = new Scratch();
        INDArray flat = Nd4j.randn(DataType.DOUBLE, 1, 5000);
        for (int from : new int[] {0, 1, 3, 7}) { // the view's first element at each alignment to 32 bytes
            INDArray view = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, from + 4000)), copy = view.dup();
            assertTrue(Blas.appliesToNorm(view));
            assertEquals(TensorStats.l2(copy, s), TensorStats.l2(view, s), 0, "from " + from);
            // 4000 terms in another order: n * 2^-53 ~ 4.4e-13 relative at worst
            assertEquals(reference(copy, 1, Double.POSITIVE_INFINITY).l2(), TensorStats.l2(view, s), 1e-12 * TensorStats.l2(view, s));
            double[] pair = new double[2];
            TensorStats.l2(view, copy, s, new Scratch(), pair);
            assertEquals(TensorStats.l2(view, s), pair[0], 0);
            assertEquals(TensorStats.l2(copy, s), pair[1], 0);
        }
        // Float: the squares of the (exactly widened) elements summed in double, not float's 2^-24.
        INDArray f = flat.castTo(DataType.FLOAT).get(NDArrayIndex.point(0), NDArrayIndex.interval(1, 4001));
        assertTrue(Blas.applies(f)); // its non-finite check
        assertEquals(reference(f.castTo(DataType.DOUBLE), 1, Double.POSITIVE_INFINITY).l2(), TensorStats.l2(f, s), 1e-12 * TensorStats.l2(f, s));
        INDArray tinyFloats = Nd4j.valueArrayOf(new long[] {1, 1000}, 1e-30f, DataType.FLOAT); // squares 1e-60: 0 in float
        assertEquals(Math.sqrt(1000) * 1e-30, TensorStats.l2(tinyFloats, s), 1e-6 * Math.sqrt(1000) * 1e-30); // 1e-30f itself is 1e-30 to 2^-24
        // The check reads exactly the view: a NaN just before it or just after it is not its element.
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray v = Nd4j.zeros(t, 1, 3000);
            v.putScalar(99, Double.NaN);
            v.putScalar(1100, Double.POSITIVE_INFINITY);
            assertTrue(TensorStats.allFinite(v.get(NDArrayIndex.point(0), NDArrayIndex.interval(100, 1100)), s), t.toString());
            assertFalse(TensorStats.allFinite(v.get(NDArrayIndex.point(0), NDArrayIndex.interval(100, 1101)), s), t.toString());
            assertFalse(TensorStats.allFinite(v.get(NDArrayIndex.point(0), NDArrayIndex.interval(99, 1099)), s), t.toString());
        }
    }

    /**
     * The SIMD passes read tensors in place through one byte buffer per gigabyte of address space: 700 views of 64
     * doubles, read in order, again and in reverse, give their copies' statistics, as do views of another length at
     * the same first elements.
     */
    @Test
    void viewsAreReadInPlaceThroughTheirGigabytesBuffer() {
        Scratch s = new Scratch();
        INDArray flat = Nd4j.linspace(DataType.DOUBLE, 1, 64 * 700 + 64, 1).reshape(1, 64 * 700 + 64);
        for (int len : new int[] {64, 128})
            for (int round = 0; round < 3; round++)
                for (int k = 0; k < 700; k++) {
                    int from = 64 * (round == 2 ? 699 - k : k);
                    INDArray v = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, from + len));
                    assertEquals(TensorStats.of(v.dup(), 1, Double.POSITIVE_INFINITY, new Scratch()), TensorStats.of(v, 1, Double.POSITIVE_INFINITY, s),
                            "length " + len + " from " + from);
                }
    }

    @Test
    void addressesAreRememberedPerBufferAndNeverMixedUp() {
        Scratch s = new Scratch();
        INDArray flat = Nd4j.linspace(DataType.DOUBLE, 1, 6000, 1).reshape(1, 6000);
        List<INDArray> views = new ArrayList<>();
        for (int from = 0; from < 6000; from += 10) views.add(flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, from + 10)));
        // 600 views, more than the table holds: entries collide and are replaced. Every answer is still the
        // view's own first element, asked in order, again, and in reverse.
        for (int round = 0; round < 3; round++)
            for (int k = 0; k < views.size(); k++) {
                INDArray v = views.get(round == 2 ? views.size() - 1 - k : k);
                assertEquals(TensorStats.firstElement(v), s.address(v));
                assertEquals(TensorStats.firstElement(flat) + (((long) v.getDouble(0) - 1) << 3), s.address(v)); // linspace: element i holds i + 1
            }
        // Statistics through remembered addresses are those of the copies, float views (copied through the address) included.
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray f = flat.castTo(t);
            for (int from : new int[] {0, 1, 2999}) {
                INDArray v = f.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, from + 3000));
                for (int again = 0; again < 2; again++) {
                    assertEquals(TensorStats.of(v.dup(), 1, Double.POSITIVE_INFINITY, new Scratch()), TensorStats.of(v, 1, Double.POSITIVE_INFINITY, s), t + " from " + from);
                    assertEquals(TensorStats.l2(v.dup(), new Scratch()), TensorStats.l2(v, s), 0, t + " from " + from);
                }
            }
        }
    }

    @Test
    void allFiniteFindsAnyNonFiniteElementAndNeverOverflows() {
        Scratch s = new Scratch();
        INDArray big = Nd4j.valueArrayOf(new long[] {1, 40_000}, 1e308, DataType.DOUBLE); // sums to +inf, all finite
        assertTrue(TensorStats.allFinite(big, s));
        for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN})
            for (int at : new int[] {0, 16_383, 16_384, 39_999}) { // first element, two in the middle (unrolled by 4), last
                INDArray v = Nd4j.zeros(DataType.DOUBLE, 1, 40_000);
                v.putScalar(at, bad);
                assertFalse(TensorStats.allFinite(v, s), bad + " at " + at);
                assertFalse(TensorStats.allFinite(v.castTo(DataType.FLOAT), s), "float " + bad + " at " + at);
            }
        assertTrue(TensorStats.allFinite(Nd4j.zeros(DataType.FLOAT, 1, 40_000), s));
    }

    /**
     * The SIMD pass gives the scalar pass's bits: every statistic, for lengths around the eight-element
     * blocks (the tail) and the SIMD minimum, native double and array-backed (float) tensors, views at an
     * offset, zeros (and -0.0), all-equal, tiny, huge and non-finite values.
     */
    @Test
    void theVectorPassGivesTheScalarPassesBits() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "the build runs tests with --add-modules jdk.incubator.vector");
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorStats.usable(), "no 256-bit vectors on this CPU: only the scalar pass runs");
        boolean was = Moments.vector, wasHeap = Moments.heapFloats;
        try {
            java.util.Random r = new java.util.Random(5);
            List<INDArray> cases = new ArrayList<>();
            for (int n : new int[] {1, 7, 8, 9, 63, 64, 65, 71, 72, 73, 100, 4099}) {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) x[i] = r.nextInt(5) == 0 ? (r.nextBoolean() ? 0.0 : -0.0) : r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3);
                cases.add(Nd4j.createFromArray(x));
                cases.add(Nd4j.createFromArray(x).castTo(DataType.FLOAT));
            }
            cases.add(Nd4j.valueArrayOf(new long[] {1000}, 0.1, DataType.DOUBLE)); // all equal: the second pass
            cases.add(Nd4j.valueArrayOf(new long[] {1000}, 1e-200, DataType.DOUBLE)); // tiny: the scaled passes
            cases.add(Nd4j.valueArrayOf(new long[] {1000}, 3e201, DataType.DOUBLE)); // huge: the scaled passes
            cases.add(Nd4j.valueArrayOf(new long[] {1000}, Double.MIN_VALUE, DataType.DOUBLE)); // the smallest non-zero: no zeros
            INDArray nan = Nd4j.randn(DataType.DOUBLE, 1, 200), inf = nan.dup();
            nan.putScalar(77, Double.NaN);
            inf.putScalar(150, Double.NEGATIVE_INFINITY);
            cases.add(nan);
            cases.add(inf);
            cases.add(nan.castTo(DataType.FLOAT));
            INDArray wide = Nd4j.randn(DataType.DOUBLE, 256, 256);
            cases.add(wide);
            cases.add(wide.get(NDArrayIndex.interval(3, 9), NDArrayIndex.all())); // a view at an offset
            cases.add(wide.castTo(DataType.FLOAT).get(NDArrayIndex.interval(3, 9), NDArrayIndex.all()));
            cases.add(Nd4j.randn(DataType.FLOAT, 1, Moments.HEAP_FLOATS_MAX + 9)); // past the heap floats' limit: in place either way
            for (INDArray v : cases) {
                String what = v.dataType() + " " + v.length();
                Moments.vector = false;
                TensorStats scalar = TensorStats.of(v, 1.0 / 64, 0.5, new Scratch());
                Moments.vector = true;
                // records compare doubles by bits; floats read in place and copied into an array (Moments.heapFloats)
                Moments.heapFloats = false;
                assertEquals(scalar, TensorStats.of(v, 1.0 / 64, 0.5, new Scratch()), what);
                Moments.heapFloats = true;
                assertEquals(scalar, TensorStats.of(v, 1.0 / 64, 0.5, new Scratch()), what + " (heap floats)");
            }
            // The activations' sums too, for each kind of activation statistic.
            for (org.gradstudy.study.Activation kind : new org.gradstudy.study.Activation[] {
                    org.gradstudy.study.Activation.RELU, org.gradstudy.study.Activation.TANH, org.gradstudy.study.Activation.SIGMOID})
                for (long[] shape : new long[][] {{64, 64}, {3, 5}, {7, 19}, {64, 256}})
                    for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                        INDArray act = Nd4j.randn(t, shape).subi(0.3);
                        Moments.vector = false;
                        ActivationStats scalar = ActivationStats.of(act, kind, new Scratch());
                        Moments.vector = true;
                        Moments.heapFloats = false;
                        assertEquals(scalar, ActivationStats.of(act, kind, new Scratch()), kind + " " + t + " " + java.util.Arrays.toString(shape));
                        Moments.heapFloats = true;
                        assertEquals(scalar, ActivationStats.of(act, kind, new Scratch()), kind + " " + t + " " + java.util.Arrays.toString(shape) + " (heap floats)");
                    }
            // The zero count is exact whatever the signs and magnitudes around the zeros.
            double[] z = new double[1000];
            for (int i = 0; i < z.length; i++) z[i] = i % 3 == 0 ? 0.0 : i % 3 == 1 ? Double.MIN_VALUE : -1e300;
            assertEquals(334 / 1000.0, TensorStats.of(Nd4j.createFromArray(z), 1).zeroFraction(), 0);
        } finally {
            Moments.vector = was;
            Moments.heapFloats = wasHeap;
        }
    }
}
