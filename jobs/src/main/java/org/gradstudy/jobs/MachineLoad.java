package org.gradstudy.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine was while a benchmark section ran, from Linux's /proc: the whole machine's busy
 * cores, this JVM's (and its child processes') share, and so the cores used by other processes. A
 * figure measured while others used the cores is not comparable with one taken on a quiet machine.
 */
final class MachineLoad {
    private static final double TICKS = 100.0; // USER_HZ on Linux
    private final long wall0 = System.nanoTime();
    private final long busy0, self0;

    private MachineLoad(long busy, long self) {
        this.busy0 = busy;
        this.self0 = self;
    }

    /** Starts measuring now. */
    static MachineLoad start() { return new MachineLoad(machineBusyTicks(), selfTicks()); }

    /** "load: other processes used X cores, this JVM Y (load average a b c)" since {@link #start()}. */
    String report() {
        double secs = (System.nanoTime() - wall0) / 1e9;
        long busy = machineBusyTicks(), self = selfTicks();
        if (busy < 0 || self < 0 || secs <= 0) return "load: unknown (no /proc)";
        double all = (busy - busy0) / TICKS / secs, mine = (self - self0) / TICKS / secs;
        return String.format("load over %.0f s: other processes used %.2f cores, this bench %.2f (of %d); load average %s",
                secs, Math.max(0, all - mine), mine, Runtime.getRuntime().availableProcessors(), loadAverage());
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The resident set size of process {@code pid} ({@code self}: this one), in bytes, or -1. */
    static long rssBytes(String pid) {
        long kb = status(pid, "VmRSS");
        return kb < 0 ? -1 : kb * 1024;
    }

    /**
     * The number in field {@code key} of /proc/{@code pid}/status ({@code self}: this process): VmRSS in kB,
     * Threads; -1 if there is none (no /proc, the process is gone).
     */
    static long status(String pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status")))
                if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The CPU model of this machine, from /proc/cpuinfo. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
        return "unknown CPU";
    }

    private static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0; // user nice system idle iowait irq softirq steal: all but idle and iowait
            for (int i = 1; i <= 8 && i < f.length; i++) if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
            return busy;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU ticks of this JVM, of its children it has waited for, and of its live descendants (the bench's
     * executor JVM): a child reaped in between moves its ticks from the last term to the second.
     */
    private static long selfTicks() {
        long self = ticks("self", true);
        if (self < 0) return -1;
        return self + ProcessHandle.current().descendants().mapToLong(p -> Math.max(0, ticks(Long.toString(p.pid()), false))).sum();
    }

    private static long ticks(String pid, boolean withChildren) {
        try {
            String s = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split("\\s+");
            // fields after the name start at field 3 (state): utime=14, stime=15, cutime=16, cstime=17
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
