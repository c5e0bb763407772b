package org.gradstudy.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard that switches the probe's SIMD passes to the scalar loops when C2 did not compile them. */
class MomentsTest {
    static final int N = 4096;
    private boolean was;
    private final AtomicInteger slow = new AtomicInteger();

    /** Each test starts with the SIMD passes on; the JVM's own setting comes back after it (other tests share it). */
    @BeforeEach void simdOn() {
        was = Moments.vector;
        Moments.vector = true;
    }

    @AfterEach void restore() { Moments.vector = was; }

    @Test
    void aSlowHostsCompiledPassKeepsTheSimdPathAndPlainJavaLosesIt() {
        // 2.008 ns per element: one check of the compiled main pass on an AVX2 host with busy neighbours,
        // which tripped the old limit of 2 three times in a row.
        for (int k = 0; k < 5; k++) Moments.check(Math.round(2.008 * N), N, Moments.PASS_LIMIT_NS, slow, "pass");
        assertTrue(Moments.vector, "compiled code on a slow host keeps the SIMD pass");
        // Two checks over the limit, one within it, two over: the count starts again, nothing switches.
        for (long ns : new long[] {6L * N, 6L * N, N, 6L * N, 6L * N}) Moments.check(ns, N, Moments.PASS_LIMIT_NS, slow, "pass");
        assertTrue(Moments.vector, "a check within the limit resets the count");
        // 6 ns per element: the Vector API run as plain Java. The third check in a row switches.
        Moments.check(6L * N, N, Moments.PASS_LIMIT_NS, slow, "pass");
        assertFalse(Moments.vector, "three checks in a row at plain Java's speed switch to the scalar loops");
    }

    @Test
    void tensorsUnder4096ElementsAreNotJudged() {
        for (int k = 0; k < 5; k++) Moments.check(100L * 1024, 1024, Moments.PASS_LIMIT_NS, slow, "pass");
        assertTrue(Moments.vector, "a small tensor's time is mostly the call's own");
    }
}
