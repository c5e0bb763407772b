package org.gradstudy.jobs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The CPU time this JVM's threads used while a benchmark section ran, by kind of thread, from Linux's
 * /proc/self/task. On local[1] the JIT compilers, the garbage collector and ND4J's deallocators run on the
 * core the one task slot leaves idle; on local[2] every second they take is a second a trial waits: what
 * the scaling figure is made of. Threads are sampled every {@link #EVERY_MS} ms; the CPU of threads that
 * ended after their last sample (the JIT's compiler threads come and go, so do Spark's pools) is the rest of
 * the process's own total, read from /proc/self/stat at the start and the end, and reported as such.
 */
final class ThreadCpu implements AutoCloseable {
    private static final double TICKS = 100.0; // USER_HZ on Linux
    /**
     * Sampling every 250 ms, this thread read the stat file of each of the JVM's ~150 threads four times a second:
     * 0.7% of the CPU of a local[2] throughput run (async-profiler, 2026-12-07), taken from the trials it measures.
     * Every 2 s it costs an eighth of that; what ended threads lose in between is {@link Kind#ENDED}.
     */
    static final long EVERY_MS = 2000;

    /** Kinds of thread, by the name Linux keeps for it (a Java thread's name, cut to 15 characters). */
    enum Kind {
        TASKS("Spark tasks"), JIT("JIT compilers"), GC("garbage collector"), DEALLOCATORS("native deallocators"),
        /** This sampler and the bench's RSS sampler ("gradstudy-bench-cpu", "-rss"): what measuring costs. */
        BENCH("the bench's samplers"),
        OTHER("driver and the rest"),
        /** Threads that ended after their last sample: the process's total less every thread seen. */
        ENDED("ended threads");

        final String label;

        Kind(String label) { this.label = label; }

        static Kind of(String name) {
            if (name.startsWith("Executor task")) return TASKS; // "Executor task launch worker for task N"
            if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) return JIT;
            if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) return GC;
            // ND4J's DeallocatorServiceThread_N and JavaCPP's "JavaCPP Deallocator"
            if (name.startsWith("DeallocatorServ") || name.startsWith("JavaCPP Dealloc")) return DEALLOCATORS;
            if (name.startsWith("gradstudy-bench")) return BENCH;
            return OTHER;
        }
    }

    private final Map<Long, Long> before;
    /** The process's own CPU ticks (live and ended threads) at the start and at {@link #close()}; -1 without /proc. */
    private final long process0;
    private volatile long process1 = -1;
    private final Map<Long, long[]> last = new HashMap<>(); // tid -> {ticks, kind}
    private final long wall0 = System.nanoTime();
    private volatile long wall1;
    private final Thread sampler;
    private volatile boolean running = true;

    private ThreadCpu() {
        before = new HashMap<>();
        process0 = processTicks();
        read((tid, name, ticks) -> before.put(tid, ticks));
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(EVERY_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gradstudy-bench-cpu");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts measuring now (samples on a thread of its own until {@link #close()}). */
    static ThreadCpu start() { return new ThreadCpu(); }

    private synchronized void sample() {
        read((tid, name, ticks) -> last.put(tid, new long[] {ticks, Kind.of(name).ordinal()}));
    }

    /** Takes a last sample and stops sampling; the report covers the time up to here. */
    @Override
    public void close() {
        if (!running) return;
        wall1 = System.nanoTime();
        running = false;
        sampler.interrupt();
        try {
            sampler.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        process1 = processTicks();
    }

    /** CPU seconds per kind since {@link #start()}, up to the last sample. */
    synchronized Map<Kind, Double> seconds() {
        Map<Kind, Double> out = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) out.put(k, 0.0);
        last.forEach((tid, v) -> {
            Kind k = Kind.values()[(int) v[1]];
            out.merge(k, (v[0] - before.getOrDefault(tid, 0L)) / TICKS, Double::sum);
        });
        if (process0 >= 0 && process1 >= 0) {
            double seen = out.values().stream().mapToDouble(Double::doubleValue).sum();
            // Ticks are counted per thread and per process alike, so the difference is the ended threads' (at least 0).
            out.put(Kind.ENDED, Math.max(0, (process1 - process0) / TICKS - seen));
        }
        return out;
    }

    /** "CPU by thread over W s: Spark tasks a s, JIT compilers b s, ..." (or a note when there is no /proc). */
    String report() {
        Map<Kind, Double> s = seconds();
        double total = s.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total <= 0) return "CPU by thread: unknown (no /proc/self/task)";
        StringJoiner j = new StringJoiner(", ");
        for (Kind k : Kind.values()) j.add(String.format("%s %.1f s", k.label, s.get(k)));
        return String.format("CPU by thread over %.0f s: %s (%.1f s in all)", ((wall1 != 0 ? wall1 : System.nanoTime()) - wall0) / 1e9, j, total);
    }

    interface ThreadSink {
        void accept(long tid, String name, long ticks);
    }

    /** Each thread of this process: its id, name and user + system CPU ticks. Nothing when there is no /proc. */
    private static void read(ThreadSink sink) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    long tid = Long.parseLong(t.getFileName().toString());
                    String stat = Files.readString(t.resolve("stat"));
                    sink.accept(tid, name(stat), ticks(stat));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while the directory was read
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figures
        }
    }

    /** This process's user + system CPU ticks, ended threads included; -1 when there is no /proc. */
    static long processTicks() {
        try {
            return ticks(Files.readString(Path.of("/proc/self/stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The thread's name in a /proc stat line: between the first '(' and the last ')' (a name may hold both). */
    static String name(String stat) { return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')); }

    /** utime + stime of a /proc stat line, in ticks: fields 14 and 15, counted after the name. */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
