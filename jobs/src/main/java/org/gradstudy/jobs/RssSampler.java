package org.gradstudy.jobs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Samples a process's VmRSS and threads with the trials finished so far, on a daemon thread. */
final class RssSampler {
    private final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private Thread thread;

    /** Samples this JVM. */
    static RssSampler start(long everyMs, TaskSpan span) { return start(everyMs, span, "self"); }

    /** Samples process {@code pid} ({@code self}: this JVM): {trials done, RSS in bytes, threads}. */
    static RssSampler start(long everyMs, TaskSpan span, String pid) {
        RssSampler s = new RssSampler();
        s.thread = new Thread(() -> {
            while (s.running) {
                s.samples.add(new long[] {span.done.get(), MachineLoad.rssBytes(pid), MachineLoad.status(pid, "Threads")});
                try {
                    Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gradstudy-bench-rss");
        s.thread.setDaemon(true);
        s.thread.start();
        return s;
    }

    void stop() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<long[]> samples() { return List.copyOf(samples); }

    long peak() {
        long p = 0;
        for (long[] s : samples()) p = Math.max(p, s[1]);
        return p;
    }
}
