package org.gradstudy.engine;

import static org.gradstudy.engine.TensorStats.at;

/**
 * The statistics' main pass over a tensor: element {@code i} into partial sum {@code i % 8} of the sums of
 * x, |x| and x^2, of the largest |x|, and the zero count (laid out as {@link VectorStats#moments} lays
 * them out). It runs in SIMD registers ({@link VectorStats}) when the JVM can, else as the scalar loop
 * here; both add the same values in the same order, so the bits are the same. {@link TensorStats} (a
 * gradient's statistics) and {@link ActivationStats} (an activation's sums) call it.
 */
final class Moments {
    private Moments() {}

    /**
     * Whether the main pass runs in SIMD registers ({@link VectorStats}): the JVM has the incubating Vector
     * API module ({@code --add-modules jdk.incubator.vector}) and vectors of 256 bits or more, and
     * {@code -Dgradstudy.simdStats} is not {@code false}. Cleared for good if the compiled pass turns out
     * slow ({@link #pass}). Either way the statistics have the same bits.
     */
    static volatile boolean vector = Boolean.parseBoolean(System.getProperty("gradstudy.simdStats", "true"))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && VectorStats.usable();
    /**
     * Whether the SIMD passes read a float tensor from a Java array it is first copied into, rather than in place
     * through a byte buffer ({@link VectorStats#prefersHeapFloats}: hosts with 256-bit vectors). The same bits either
     * way; the tests switch it to run both.
     */
    static volatile boolean heapFloats = vector && VectorStats.prefersHeapFloats();
    /**
     * Longer float tensors keep the in-place passes: a probe's two scratches each keep arrays as long as the
     * largest tensor copied (12 bytes per element), garbage only when the trial ends; a million elements is
     * 12 MB each, a width-1024 layer's weights.
     */
    static final int HEAP_FLOATS_MAX = 1 << 20;
    /** Shorter tensors take the scalar pass: the copy and the call would cost more than they save. */
    static final int VECTOR_MIN = 64;
    /**
     * Every this many (+1) vector passes of a {@link Scratch} (a probe: one trial) one is timed;
     * the count is the scratch's, so task threads share no counter.
     */
    private static final int CHECK_EVERY = (1 << 10) - 1;
    private static final java.util.concurrent.atomic.AtomicInteger SLOW_CHECKS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * The SIMD passes' limit, ns per element (the main pass and {@link #subtractFloat}): what tells C2's
     * code from the plain Java that runs where C2 has not compiled the Vector API (6-20 ns per element on
     * the host the passes were written on). Compiled, they took 0.2-0.5 ns there (AVX-512); on a host with
     * AVX2 only, twice as slow per step and with bursts of another third from its neighbours, the main pass
     * took 0.7-1.6 ns over doubles and 1.3-1.9 over floats before {@link VectorStats}' compare and blend (a
     * harness, a build on the other core; 0.40-0.66 after, on a quiet machine), and one
     * check read 2.008: with the limit at 2, three such checks in a row switched a 500-trial run to the scalar
     * loops (README, "Where the time went", twelfth session).
     */
    static final int PASS_LIMIT_NS = 4;
    /** The widening's limit, ns per element: compiled 0.065-0.09 on the AVX-512 host, 0.47-0.75 on the AVX2 one. */
    static final int WIDEN_LIMIT_NS = 2;

    /**
     * {@link VectorStats#moments} through {@code scratch}, one pass in 1024 timed. JDK 17's incubating API
     * runs each vector operation as plain Java (about 6 ns per element, ten times the scalar pass) wherever
     * C2 does not compile it to SIMD
     * instructions, which an earlier attempt saw happen in one JVM out of three. Compiled, the pass takes
     * 0.2-0.5 ns per element (in the cache or from memory). So every 1024th pass of each probe is timed
     * (a tensor of 4096 elements or more counts), and three in a row above {@link #PASS_LIMIT_NS} ns per element
     * switch the JVM to the scalar pass for good (same results; a warning says so). By a probe's 1024th pass
     * the JIT has compiled the pass: it does within the JVM's first five hundred (of 4096 elements: 250 at
     * about 125 ns per element, 250 at 7-20, then 0.45-0.55). A check within the limit resets the count.
     */
    static int pass(Scratch scratch, int n, double[] p) {
        // One call site per kernel, timed or not: C2 inlines each call site separately into a large caller, and a
        // second copy may be cut short by its node budget (VectorStats calls left out of line box their vectors:
        // 2 ns per element, measured), so a timed copy would time other code than the passes it guards.
        boolean timed = (++scratch.vectorPasses & CHECK_EVERY) == 0;
        long t0 = timed ? System.nanoTime() : 0;
        int i = kernel(scratch, n, p, true);
        if (timed) check(System.nanoTime() - t0, n, PASS_LIMIT_NS, SLOW_CHECKS, "pass");
        return i;
    }

    /**
     * An activation's sums (of x and x^2, laid out as {@link VectorStats#sums}) in SIMD registers, for callers
     * that found {@link #vector} on and a byte buffer ({@link Scratch#bytes()}): pending floats widened as read.
     */
    static int sums(Scratch scratch, int n, double[] p) { return kernel(scratch, n, p, false); }

    /** The moments or sums kernel over the last view of {@code s}: its doubles in place, or its floats widened on the way. */
    private static int kernel(Scratch s, int n, double[] p, boolean moments) {
        if (s.heapFloats()) {
            float[] f = s.floatArray();
            double[] d = s.doubleArray();
            int i = moments ? HeapFloatStats.momentsWidening(f, d, n, p) : HeapFloatStats.sumsWidening(f, d, n, p);
            s.settle(i); // the last elements, scalar
            return i;
        }
        java.nio.ByteBuffer floats = s.floatBytes();
        if (floats == null) {
            s.settle();
            java.nio.ByteBuffer b = s.bytes();
            return moments ? VectorStats.moments(b, s.bytesAt, n, p) : VectorStats.sums(b, s.bytesAt, n, p);
        }
        int at = s.foundAt;
        int i = moments ? VectorStats.momentsWidening(floats, at, s.wide, n, p) : VectorStats.sumsWidening(floats, at, s.wide, n, p);
        s.settle(i); // the last elements, scalar
        return i;
    }

    /**
     * One timed SIMD call over {@code n} elements (counted from 4096): within {@code limit} ns per element it
     * resets {@code slow}; three in a row above it switch the JVM to the scalar loops for good, with a warning.
     */
    static void check(long ns, int n, int limit, java.util.concurrent.atomic.AtomicInteger slow, String what) {
        if (n < 4096) return;
        if (ns <= (long) limit * n) slow.set(0);
        else if (slow.incrementAndGet() >= 3 && vector) {
            vector = false;
            org.slf4j.LoggerFactory.getLogger(Moments.class).warn("the probe's SIMD {} ran at {} ns per element three checks in a row "
                    + "(the JIT did not compile JDK 17's Vector API to SIMD here): statistics use the scalar loops from now on", what, ns / (double) n);
        }
    }

    /**
     * A float tensor widened into the doubles the passes read, {@code d} (a direct buffer at native address
     * {@code dAt}): in SIMD registers ({@link VectorStats#widen}, 0.065-0.09 ns per element against 0.165 for the
     * scalar loop, 4096 floats in the cache) while {@link #vector} holds, with the same guard as
     * {@link #pass} (every 1024th widening of a scratch timed; three in a row above {@link #WIDEN_LIMIT_NS} ns
     * per element switch to the scalar loop). The values are exact either way.
     */
    static void widen(float[] f, java.nio.ByteBuffer d, long dAt, int n, Scratch scratch) {
        int i = 0;
        if (vector && n >= VECTOR_MIN) {
            boolean timed = (++scratch.widenings & CHECK_EVERY) == 0; // one call site: see pass
            long t0 = timed ? System.nanoTime() : 0;
            i = VectorStats.widen(f, d, n);
            if (timed) check(System.nanoTime() - t0, n, WIDEN_LIMIT_NS, SLOW_WIDENINGS, "widening");
        }
        for (; i < n; i++) TensorStats.UNSAFE.putDouble(dAt + ((long) i << 3), f[i]);
    }

    private static final java.util.concurrent.atomic.AtomicInteger SLOW_WIDENINGS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * {@link NormedStep}'s SIMD float pass ({@link VectorStats#subtractFloat}), for callers that found
     * {@link #vector} on, with the same guard as {@link #widen} (every 1024th call of a scratch timed; three in a
     * row above {@link #PASS_LIMIT_NS} ns per element switch everything to the scalar loops). Returns the first
     * element not done.
     */
    static int subtractFloat(java.nio.ByteBuffer u, int uAt, java.nio.ByteBuffer p, int pAt, int n, double[] lanes, Scratch scratch) {
        boolean timed = (++scratch.widenings & CHECK_EVERY) == 0; // one call site: see pass
        long t0 = timed ? System.nanoTime() : 0;
        int i = VectorStats.subtractFloat(u, uAt, p, pAt, n, lanes);
        if (timed) check(System.nanoTime() - t0, n, PASS_LIMIT_NS, SLOW_STEPS, "step");
        return i;
    }

    /** {@link #subtractFloat(java.nio.ByteBuffer, int, java.nio.ByteBuffer, int, int, double[], Scratch)} over Java arrays ({@link #heapFloats}), with the same guard. */
    static int subtractFloat(float[] u, float[] p, int n, double[] lanes, Scratch scratch) {
        boolean timed = (++scratch.widenings & CHECK_EVERY) == 0; // one call site: see pass
        long t0 = timed ? System.nanoTime() : 0;
        int i = HeapFloatStats.subtractFloat(u, p, n, lanes);
        if (timed) check(System.nanoTime() - t0, n, PASS_LIMIT_NS, SLOW_STEPS, "step");
        return i;
    }

    private static final java.util.concurrent.atomic.AtomicInteger SLOW_STEPS = new java.util.concurrent.atomic.AtomicInteger();

    /** The pairwise sum of the eight partial sums at {@code p[k..k+8)}, the same for the scalar and the vector pass. */
    static double combine(double[] p, int k) {
        return ((p[k] + p[k + 1]) + (p[k + 2] + p[k + 3])) + ((p[k + 4] + p[k + 5]) + (p[k + 6] + p[k + 7]));
    }

    /**
     * The scalar {@link VectorStats#moments}: over elements [0, n & ~7), element i into partial i % 8 of the
     * sums of x, |x|, x^2, of the largest |x|, and the zero count, laid out as there. Returns the first
     * element not read.
     */
    static int scalar(Object a, long o, int n, double[] out) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0;
        double q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0;
        double m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0, m6 = 0, m7 = 0;
        int zeros = 0, i = 0;
        for (; i + 7 < n; i += 8) {
            double g0 = at(a, o, i), g1 = at(a, o, i + 1), g2 = at(a, o, i + 2), g3 = at(a, o, i + 3);
            double g4 = at(a, o, i + 4), g5 = at(a, o, i + 5), g6 = at(a, o, i + 6), g7 = at(a, o, i + 7);
            double a0 = Math.abs(g0), a1 = Math.abs(g1), a2 = Math.abs(g2), a3 = Math.abs(g3);
            double a4 = Math.abs(g4), a5 = Math.abs(g5), a6 = Math.abs(g6), a7 = Math.abs(g7);
            s0 += g0;
            s1 += g1;
            s2 += g2;
            s3 += g3;
            s4 += g4;
            s5 += g5;
            s6 += g6;
            s7 += g7;
            b0 += a0;
            b1 += a1;
            b2 += a2;
            b3 += a3;
            b4 += a4;
            b5 += a5;
            b6 += a6;
            b7 += a7;
            q0 += g0 * g0;
            q1 += g1 * g1;
            q2 += g2 * g2;
            q3 += g3 * g3;
            q4 += g4 * g4;
            q5 += g5 * g5;
            q6 += g6 * g6;
            q7 += g7 * g7;
            m0 = a0 > m0 ? a0 : m0;
            m1 = a1 > m1 ? a1 : m1;
            m2 = a2 > m2 ? a2 : m2;
            m3 = a3 > m3 ? a3 : m3;
            m4 = a4 > m4 ? a4 : m4;
            m5 = a5 > m5 ? a5 : m5;
            m6 = a6 > m6 ? a6 : m6;
            m7 = a7 > m7 ? a7 : m7;
            zeros += (g0 == 0 ? 1 : 0) + (g1 == 0 ? 1 : 0) + (g2 == 0 ? 1 : 0) + (g3 == 0 ? 1 : 0)
                    + (g4 == 0 ? 1 : 0) + (g5 == 0 ? 1 : 0) + (g6 == 0 ? 1 : 0) + (g7 == 0 ? 1 : 0);
        }
        put(out, 0, s0, s1, s2, s3, s4, s5, s6, s7);
        put(out, 8, b0, b1, b2, b3, b4, b5, b6, b7);
        put(out, 16, q0, q1, q2, q3, q4, q5, q6, q7);
        put(out, 24, m0, m1, m2, m3, m4, m5, m6, m7);
        out[32] = zeros;
        return i;
    }

    private static void put(double[] out, int k, double x0, double x1, double x2, double x3, double x4, double x5, double x6, double x7) {
        out[k] = x0;
        out[k + 1] = x1;
        out[k + 2] = x2;
        out[k + 3] = x3;
        out[k + 4] = x4;
        out[k + 5] = x5;
        out[k + 6] = x6;
        out[k + 7] = x7;
    }
}
