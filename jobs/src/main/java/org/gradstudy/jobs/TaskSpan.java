package org.gradstudy.jobs;

import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For {@code bench}: counts finished trials, the span from the first trial task's launch to the last
 * one's end, and the executors' run time of the tasks by scheduler pool: trials, commits, the rest (reads,
 * aggregation), with the CPU time the trial tasks' threads used in it. A trial task's run time beyond its
 * CPU time is time its thread waited for a core (the JIT, the collector, the driver, another process);
 * its CPU time growing from local[1] to local[2] is the trials themselves running slower side by side.
 */
final class TaskSpan extends SparkListener {
    private final Map<Integer, String> stagePool = new ConcurrentHashMap<>();
    private final Map<String, Long> runMs = new ConcurrentHashMap<>();
    private final AtomicLong trialCpuNs = new AtomicLong();
    final AtomicLong done = new AtomicLong();
    private final AtomicLong trialTasks = new AtomicLong();
    private volatile long first = Long.MAX_VALUE, last = Long.MIN_VALUE;

    @Override public void onStageSubmitted(SparkListenerStageSubmitted e) {
        String pool = e.properties() == null ? null : e.properties().getProperty("spark.scheduler.pool");
        stagePool.put(e.stageInfo().stageId(), pool == null ? "" : pool);
    }

    @Override public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
        String pool = stagePool.getOrDefault(e.stageId(), "");
        if (e.taskMetrics() != null) add(pool, e.taskMetrics().executorRunTime());
        if (!pool.equals(RunJob.Batches.TRIALS_POOL)) return;
        if (e.taskMetrics() != null) trialCpuNs.addAndGet(e.taskMetrics().executorCpuTime());
        trialTasks.incrementAndGet();
        scala.collection.Iterator<AccumulableInfo> acc = e.taskInfo().accumulables().iterator();
        while (acc.hasNext()) { // a task runs a pack of trials: count them by the run's accumulator
            AccumulableInfo a = acc.next();
            if (a.name().isDefined() && a.name().get().equals(RunJob.Batches.FINISHED) && a.update().isDefined())
                done.addAndGet(((Number) a.update().get()).longValue());
        }
        first = Math.min(first, e.taskInfo().launchTime());
        last = Math.max(last, e.taskInfo().finishTime());
    }

    /** Tasks that ran trials. */
    long trialTasks() { return trialTasks.get(); }

    void add(String pool, long ms) { runMs.merge(pool, ms, Long::sum); }

    /** CPU seconds of the trial tasks' threads (Spark's executorCpuTime). */
    double trialCpuSeconds() { return trialCpuNs.get() / 1e9; }

    void addTrialCpu(long ns) { trialCpuNs.addAndGet(ns); }

    double seconds() { return last > first ? (last - first) / 1000.0 : Double.NaN; }

    /** Where the task slots of a run of {@code wall} seconds on {@code cores} went, beside the trials' own time. */
    String slots(double wall, int cores, double sumTrial) {
        double trials = runMs.getOrDefault(RunJob.Batches.TRIALS_POOL, 0L) / 1000.0;
        double commits = runMs.getOrDefault(RunJob.Batches.COMMIT_POOL, 0L) / 1000.0;
        double rest = runMs.values().stream().mapToLong(Long::longValue).sum() / 1000.0 - trials - commits;
        return String.format("task slots (wall x cores = %.1f s): trial tasks %.1f s, %.1f s of it on a core (%d tasks, %d trials; "
                + "their trials' wall_ms %.1f s), commits %.1f s, reads and aggregation %.1f s, no task %.1f s", wall * cores, trials,
                trialCpuSeconds(), trialTasks.get(), done.get(), sumTrial, commits, rest, wall * cores - trials - commits - rest);
    }
}
