package org.gradstudy.jobs;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's CPU-by-thread accounting: names to kinds, /proc lines, and a thread's CPU found under its kind. */
class ThreadCpuTest {
    @Test
    void threadsAreKindedByTheirLinuxNames() {
        assertEquals(ThreadCpu.Kind.TASKS, ThreadCpu.Kind.of("Executor task l"));
        assertEquals(ThreadCpu.Kind.JIT, ThreadCpu.Kind.of("C2 CompilerThre"));
        assertEquals(ThreadCpu.Kind.JIT, ThreadCpu.Kind.of("C1 CompilerThre"));
        assertEquals(ThreadCpu.Kind.GC, ThreadCpu.Kind.of("GC Thread#1"));
        assertEquals(ThreadCpu.Kind.GC, ThreadCpu.Kind.of("VM Thread"));
        assertEquals(ThreadCpu.Kind.DEALLOCATORS, ThreadCpu.Kind.of("DeallocatorServ"));
        assertEquals(ThreadCpu.Kind.DEALLOCATORS, ThreadCpu.Kind.of("JavaCPP Dealloc"));
        assertEquals(ThreadCpu.Kind.OTHER, ThreadCpu.Kind.of("java"));
        assertEquals(ThreadCpu.Kind.OTHER, ThreadCpu.Kind.of("dag-scheduler-e"));
        assertEquals(ThreadCpu.Kind.BENCH, ThreadCpu.Kind.of("gradstudy-bench")); // -cpu and -rss, cut to 15 characters
    }

    @Test
    void statLinesAreReadPastANameWithSpacesAndParentheses() {
        String stat = "4242 (a (b) c) S 1 2 3 0 -1 4194368 100 0 0 0 1234 56 0 0 20 0 30 0 500 0 0";
        assertEquals("a (b) c", ThreadCpu.name(stat));
        assertEquals(1234 + 56, ThreadCpu.ticks(stat));
    }

    @Test
    void aBusyThreadsCpuIsCountedUnderItsKind() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        ThreadCpu cpu = ThreadCpu.start();
        // Named like a GC worker, so its seconds land in that kind and nowhere near the others.
        CountDownLatch spun = new CountDownLatch(1), measured = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            var mx = ManagementFactory.getThreadMXBean();
            long x = 0;
            while (mx.getCurrentThreadCpuTime() < 400_000_000L) x += System.nanoTime() & 1;
            if (x == 42) System.out.print("");
            spun.countDown();
            try {
                measured.await(); // alive until close() has sampled it: an ended thread is only seen up to its last sample
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "GC Thread#test");
        busy.start();
        spun.await();
        cpu.close();
        measured.countDown();
        busy.join();
        // The thread spent 0.4 s of CPU and /proc counts in 10 ms ticks: at least 0.38 s shows up under GC
        // (the JVM's own GC threads may add to it).
        double gc = cpu.seconds().get(ThreadCpu.Kind.GC);
        assertTrue(gc >= 0.38, "GC seconds " + gc);
        assertTrue(cpu.report().startsWith("CPU by thread over "), cpu.report());
    }

    @Test
    void aThreadThatEndedBeforeAnySampleIsCountedAsEnded() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        long t0 = System.nanoTime();
        ThreadCpu cpu = ThreadCpu.start();
        Thread.sleep(200); // the sampler's first sample, taken as it starts, is behind us
        Thread busy = new Thread(() -> {
            var mx = ManagementFactory.getThreadMXBean();
            long x = 0;
            while (mx.getCurrentThreadCpuTime() < 400_000_000L) x += System.nanoTime() & 1;
            if (x == 42) System.out.print("");
        }, "GC Thread#gone");
        busy.start();
        busy.join();
        cpu.close();
        // Only the process's total saw the thread if it ended before the second sample (2 s after the first).
        Assumptions.assumeTrue(System.nanoTime() - t0 < 1_800_000_000L, "the machine too busy to end the thread within 1.8 s");
        // 0.4 s of CPU, in 10 ms ticks, less at most a tick of rounding for each thread seen whose time moved
        // (a few dozen in a test JVM): at least 0.3 s.
        double ended = cpu.seconds().get(ThreadCpu.Kind.ENDED);
        assertTrue(ended >= 0.3, "ended threads' seconds " + ended);
        assertTrue(cpu.report().contains("ended threads"), cpu.report());
    }
}
