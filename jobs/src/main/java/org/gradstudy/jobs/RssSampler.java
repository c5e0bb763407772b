package org.gradstudy.jobs;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Samples VmRSS and the committed heap with the trials finished so far, on a daemon thread. */
final class RssSampler {
    private final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private Thread thread;

    static RssSampler start(long everyMs, TaskSpan span) {
        RssSampler s = new RssSampler();
        s.thread = new Thread(() -> {
            while (s.running) {
                s.samples.add(new long[] {span.done.get(), MachineLoad.rssBytes(),
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted()});
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
