package org.gradstudy.jobs;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.gradstudy.result.TrialStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress on the driver, logged as trials finish (at most every 10 s) and after each batch: trials done
 * of the study, of this run, diverged and failed so far, rate and estimated time to finish this run.
 */
final class Progress extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private static final long EVERY_MS = 10_000;

    private final String study;
    private final long total, alreadyDone, toRun;
    private final LongAccumulator finished;
    private final long start = System.currentTimeMillis();
    private volatile long lastLog;
    private long diverged, failed;

    Progress(String study, long total, long alreadyDone, long toRun, LongAccumulator finished) {
        this.study = study;
        this.total = total;
        this.alreadyDone = alreadyDone;
        this.toRun = toRun;
        this.finished = finished;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        long now = System.currentTimeMillis();
        if (now - lastLog >= EVERY_MS) log(now);
    }

    synchronized void batchDone(long[] counts) {
        diverged += counts[TrialStatus.DIVERGED.ordinal()];
        failed += counts[TrialStatus.FAILED.ordinal()] + counts[TrialStatus.TIMEOUT.ordinal()];
        log(System.currentTimeMillis());
    }

    private synchronized void log(long now) {
        lastLog = now;
        long ran = finished.value();
        double secs = Math.max(1e-3, (now - start) / 1000.0), rate = ran / secs;
        String eta = rate > 0 && ran < toRun ? String.format("%.1f min", (toRun - ran) / rate / 60) : "-";
        LOG.info("study {}: {}/{} trials done ({} of {} this run; {} diverged, {} failed so far), {} trials/min, ETA {}",
                study, alreadyDone + ran, total, ran, toRun, diverged, failed, String.format("%.1f", rate * 60), eta);
    }
}
