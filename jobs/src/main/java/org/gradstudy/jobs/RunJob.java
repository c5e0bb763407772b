package org.gradstudy.jobs;

import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.gradstudy.data.UserData;
import org.gradstudy.engine.CostModel;
import org.gradstudy.engine.Preflight;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.TrialStatus;
import org.gradstudy.result.Versions;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Expander;
import org.gradstudy.study.Expansion;
import org.gradstudy.study.Keyed;
import org.gradstudy.study.Study;
import org.gradstudy.study.TrialConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;

import static org.apache.spark.sql.functions.col;

/**
 * {@code run}: expands a study, skips the trials that already have a result in the warehouse, trains the
 * rest as Spark tasks (short trials packed several to a task) in batches committed atomically (see
 * {@link Commits}), records the run in {@code runs} and recomputes the aggregates ({@link AggregateJob}).
 * Budgets stop it cleanly between batches.
 */
public final class RunJob {
    private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

    /** How a run ended, with its process exit code. */
    public enum Exit implements Keyed {
        /** Every trial of the study has a result. */
        COMPLETE(0),
        /** Every trial of this run failed, or the failure-rate circuit breaker tripped. */
        FAILED(1),
        /** A budget (--max-trials, --max-minutes) stopped the run: run it again to continue. */
        PARTIAL(3);

        private final int code;

        Exit(int code) { this.code = code; }

        public int code() { return code; }

        @Override public String key() { return Keyed.dashed(this); }
    }

    /**
     * Run options, all operational (none changes a trial's numbers or id).
     *
     * @param maxTrials          run at most this many trials (0 = all pending)
     * @param maxMinutes         start no new batch after this many minutes (0 = no limit)
     * @param retryFailed        rerun trials recorded failed or timeout
     * @param trialTimeoutSeconds stop a trial at the next step after this long (0 = none); recorded timeout
     * @param maxFailureRate     stop the run when more than this share of its trials failed (after 10)
     * @param batchSize          trials per committed batch (0 = automatic)
     */
    public record Options(int maxTrials, double maxMinutes, boolean retryFailed, double trialTimeoutSeconds,
                          double maxFailureRate, int batchSize) {
        public static Options defaults() { return new Options(0, 0, false, 0, 0.5, 0); }
    }

    /** Counts of a run. {@code skipped}: pending trials this run left for later (budget or breaker). */
    public record Outcome(long planned, long alreadyDone, long ran, long ok, long diverged, long failed, long timeout,
                          long skipped, Exit exit, String reason) {
        public long remaining() { return skipped; }

        public int exitCode() { return exit.code(); }
    }

    private RunJob() {}

    /** Runs {@code study} with default options. */
    public static Outcome run(SparkSession spark, Study study, Warehouse warehouse) {
        return run(spark, study, warehouse, Options.defaults());
    }

    /** Runs the pending trials of {@code study} in {@code spark}, writing under {@code warehouse}. */
    public static Outcome run(SparkSession spark, Study study, Warehouse warehouse, Options opts) {
        long started = System.currentTimeMillis();
        String runId = newRunId(started);
        warehouse.checkWritable(spark.sparkContext().hadoopConfiguration());
        UserDataLoader.Loaded loaded = UserDataLoader.bind(spark, study); // data is null unless dataset = file
        study = loaded.study();
        UserData data = loaded.data();
        Expansion expansion = Expander.expand(study);
        for (String line : expansion.report(study.source()).split("\n")) LOG.info("study {}: {}", study.name(), line);
        Preflight.check(study, expansion.trials());

        Commits commits = new Commits(spark, warehouse, study.name());
        commits.recover();
        if (opts.retryFailed()) {
            int dropped = commits.dropRetryable();
            if (dropped > 0) LOG.info("study {}: --retry-failed: dropped {} files of failed/timeout trials", study.name(), dropped);
        }
        Set<String> done = new HashSet<>();
        for (Row r : commits.read(TrialsTable.NAME, TrialsTable.SCHEMA).select(TrialsTable.TRIAL_ID).collectAsList())
            done.add(r.getString(0));
        List<TrialConfig> pending = new ArrayList<>();
        for (TrialConfig t : expansion.trials()) if (!done.contains(t.trialId())) pending.add(t);
        long alreadyDone = expansion.trials().size() - pending.size();
        // Longest trials first, so no long straggler starts last and runs alone.
        pending.sort(CostModel.LONGEST_FIRST);
        int budget = opts.maxTrials() > 0 ? Math.min(opts.maxTrials(), pending.size()) : pending.size();
        LOG.info("study {}: run {}: {} trials, {} already done, {} to run now", study.name(), runId,
                expansion.trials().size(), alreadyDone, budget);

        Batches batches = new Batches(spark, study, commits, data, opts, runId, started, expansion.trials().size(), alreadyDone, budget);
        try {
            batches.run(pending.subList(0, budget), 0);
        } finally {
            batches.close();
        }
        long skipped = pending.size() - batches.ran;
        Exit exit = batches.exit;
        String reason = batches.reason;
        if (exit == null) {
            if (batches.ran > 0 && batches.failed + batches.timeout == batches.ran) { exit = Exit.FAILED; reason = "every trial of this run failed"; }
            else if (skipped > 0) { exit = Exit.PARTIAL; reason = "--max-trials " + opts.maxTrials() + " reached"; }
            else exit = Exit.COMPLETE;
        }
        Outcome outcome = new Outcome(expansion.trials().size(), alreadyDone, batches.ran, batches.ok, batches.diverged,
                batches.failed, batches.timeout, skipped, exit, reason);
        finish(spark, warehouse, commits, study, runId, started, outcome);
        return outcome;
    }

    /** Recomputes the derived tables, records the run and cleans up staging. */
    static void finish(SparkSession spark, Warehouse warehouse, Commits commits, Study study, String runId, long started, Outcome outcome) {
        AggregateJob.run(spark, commits, study.name(), study.analysis());
        String versions = Versions.summary("spark=" + spark.version());
        commits.append(RunsTable.NAME, runId, spark.createDataFrame(List.of(RunsTable.toRow(study.name(), runId, started,
                System.currentTimeMillis(), outcome, spark.sparkContext().master(), versions, study.source(), study.analysis())),
                RunsTable.SCHEMA));
        commits.cleanup();
    }

    /** A fresh run id: UTC start time and a random suffix. */
    static String newRunId(long started) {
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(started))
                + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    }

    /**
     * Runs lists of trials one Spark job per batch, committing each batch, and keeps the run's counts.
     * Stops between batches when --max-minutes passes or the circuit breaker trips ({@link #exit} set).
     *
     * <p>Executors never wait for the driver: the next batch's job is already submitted while a batch
     * runs its last trials and while the driver commits it, so free cores pick up the next batch's trials
     * at once (trial jobs run first-in first-out in their own scheduler pool, so batches still finish in
     * order and the longest trials still start first). Commit jobs run in a pool of their own, which the
     * fair scheduler serves before the trials pool, so a batch's files land as soon as it finishes. At most
     * {@link #IN_FLIGHT} batches are submitted and not yet committed; commits happen one after another in
     * batch order, each as before ({@link Commits}). A budget or the circuit breaker cancels the batches
     * not yet committed: their trials run again next time.
     */
    static final class Batches implements AutoCloseable {
        /**
         * Batches submitted but not yet committed: the running one and the next two. With only the next
         * one, the cores sat idle for about a second at the start of every run: the first batches hold 2
         * trials per core (no rate is known yet), and the second finished before the first one's commit
         * (the JVM's first Parquet write, 2.6 s) did.
         */
        static final int IN_FLIGHT = 3;
        /**
         * Automatic batches aim at this much work each, at the rate measured so far in the run: a commit
         * costs the driver a second or two of CPU (on a 2-core machine, taken from the trials), so batches of
         * a fixed handful of trials spent 30-40% of a short study committing; a crash loses at most this
         * much work (times {@link #IN_FLIGHT}).
         */
        static final double AUTO_BATCH_SECONDS = 60;
        /** Automatic batches hold at most this many trials: a batch's results are cached until committed. */
        static final int AUTO_BATCH_MAX = 500;
        /**
         * Trials are packed into tasks of at least this many estimated milliseconds ({@link CostModel#pack}),
         * in their longest-first order, keeping at least two tasks per core in every batch. A task costs
         * about 7 ms of a core outside its trials here (launch, the result's round trip through the driver,
         * caching), as much as a tiny trial: 1000 trials of depth 2, width 16 and 20 steps (about 8 ms each
         * in a local[2] run) kept the cores of the trial phase 49.6-49.9% busy with trials one per task,
         * 72.1-73.3% packed (7.8-8.3 s -> 5.6-5.9 s). Trials estimated at this much or more run one per task.
         */
        static final double PACK_MILLIS = 500;
        /** Name of the accumulator counting the run's finished trials (progress, the bench). */
        static final String FINISHED = "gradstudy trials finished";
        /** Scheduler pools (spark.scheduler.mode FAIR): commits before trials. */
        static final String TRIALS_POOL = "gradstudy-trials", COMMIT_POOL = "gradstudy-commit";

        private final SparkSession spark;
        private final JavaSparkContext jsc;
        private final Commits commits;
        private final Broadcast<UserData> shipped;
        private final LongAccumulator finished;
        private final Progress progress;
        private final Options opts;
        private final String runId, study;
        private final long started, timeoutMs;
        private final int parallelism;
        private long firstSubmit;
        long ok, diverged, failed, timeout, ran;
        int batchNo;
        Exit exit;
        String reason;

        /** A submitted batch: its trials' results (cached) and the job computing their statuses. */
        private record InFlight(int batch, int size, String group, JavaRDD<TrialResult> results,
                                JavaFutureAction<List<TrialStatus>> statuses) {}

        Batches(SparkSession spark, Study study, Commits commits, UserData data, Options opts, String runId, long started,
                long total, long alreadyDone, long toRun) {
            this.spark = spark;
            this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            this.commits = commits;
            this.shipped = jsc.broadcast(data); // loaded once, shipped once per executor
            this.finished = jsc.sc().longAccumulator(FINISHED);
            this.progress = new Progress(study.name(), total, alreadyDone, toRun, finished);
            spark.sparkContext().addSparkListener(progress);
            this.opts = opts;
            this.runId = runId;
            this.study = study.name();
            this.started = started;
            this.timeoutMs = (long) (opts.trialTimeoutSeconds() * 1000);
            this.parallelism = Math.max(1, jsc.defaultParallelism());
        }

        /**
         * The next automatic batch size: {@link #AUTO_BATCH_SECONDS} of work at the rate trials finished
         * so far in this run, between 2 trials per core (until a rate is known) and {@link #AUTO_BATCH_MAX}.
         */
        int autoBatch() {
            long done = finished.value();
            double seconds = (System.currentTimeMillis() - firstSubmit) / 1000.0;
            if (firstSubmit == 0 || done < parallelism || seconds <= 0) return 2 * parallelism;
            return (int) Math.max(2 * parallelism, Math.min(AUTO_BATCH_MAX, Math.round(done / seconds * AUTO_BATCH_SECONDS)));
        }

        /** Runs {@code trials} (batch size {@code batchSize}, 0 = the options' or automatic); false if stopped early. */
        boolean run(List<TrialConfig> trials, int batchSize) {
            int fixed = batchSize > 0 ? batchSize : opts.batchSize();
            Deque<InFlight> inFlight = new ArrayDeque<>();
            int from = 0;
            try {
                while (true) {
                    while (exit == null && inFlight.size() < IN_FLIGHT && from < trials.size()) {
                        if (opts.maxMinutes() > 0 && (System.currentTimeMillis() - started) / 60000.0 >= opts.maxMinutes()) {
                            exit = Exit.PARTIAL;
                            reason = "--max-minutes " + opts.maxMinutes() + " reached";
                            break;
                        }
                        int size = fixed > 0 ? fixed : autoBatch();
                        List<TrialConfig> slice = trials.subList(from, Math.min(trials.size(), from + size));
                        from += slice.size();
                        inFlight.add(submit(slice));
                    }
                    InFlight b = inFlight.poll();
                    if (b == null) return exit == null;
                    commit(b);
                    if (ran >= 10 && (double) (failed + timeout) / ran > opts.maxFailureRate()) {
                        exit = Exit.FAILED;
                        reason = String.format("circuit breaker: %d of %d trials failed or timed out (more than %.0f%%); "
                                + "something systematic is wrong: see the error column of trials", failed + timeout, ran, 100 * opts.maxFailureRate());
                        return false;
                    }
                }
            } finally {
                for (InFlight b : inFlight) { // stopped early: these batches are dropped, not committed
                    jsc.cancelJobGroup(b.group());
                    b.results().unpersist(false);
                }
            }
        }

        /** Submits one batch's Spark job (one pack of trials per task, see {@link #PACK_MILLIS}) without waiting for it. */
        private InFlight submit(List<TrialConfig> slice) {
            if (firstSubmit == 0) firstSubmit = System.currentTimeMillis();
            int batch = batchNo++;
            String group = "gradstudy-" + runId + "-batch-" + batch;
            jsc.setJobGroup(group, "gradstudy " + study + " batch " + batch + ": " + slice.size() + " trials", false);
            jsc.setLocalProperty("spark.scheduler.pool", TRIALS_POOL);
            Broadcast<UserData> data = shipped;
            LongAccumulator done = finished;
            long limit = timeoutMs;
            List<List<TrialConfig>> packs = CostModel.pack(slice, PACK_MILLIS, 2 * parallelism);
            JavaRDD<TrialResult> results = jsc.parallelize(packs, packs.size()) // one pack of trials per task
                    .flatMap(pack -> TrialTask.run(pack, data.value(), limit, done).iterator())
                    // Kept as objects until committed: serialized storage cost each trial a Java serialization
                    // of its thousands of LayerStat records, then one deserialization per commit query.
                    .persist(StorageLevel.MEMORY_AND_DISK());
            JavaFutureAction<List<TrialStatus>> statuses = results.map(TrialResult::status).collectAsync(); // runs the batch
            return new InFlight(batch, slice.size(), group, results, statuses);
        }

        /** Waits for a submitted batch, then commits it (see {@link Commits}) and counts it. */
        private void commit(InFlight b) {
            try {
                long[] counts = new long[TrialStatus.values().length];
                for (TrialStatus st : await(b)) counts[st.ordinal()]++;
                progress.batchDone(counts);
                jsc.setJobGroup("gradstudy-" + runId + "-commit-" + b.batch(), "gradstudy " + study + " commit batch " + b.batch(), false);
                jsc.setLocalProperty("spark.scheduler.pool", COMMIT_POOL);
                String key = runId + "-" + b.batch();
                commitGroup(spark, commits, b.results().filter(r -> !r.status().retryable()), key + "-final",
                        counts[TrialStatus.OK.ordinal()] + counts[TrialStatus.DIVERGED.ordinal()]);
                commitGroup(spark, commits, b.results().filter(r -> r.status().retryable()), key + "-failed",
                        counts[TrialStatus.FAILED.ordinal()] + counts[TrialStatus.TIMEOUT.ordinal()]);
                ok += counts[TrialStatus.OK.ordinal()];
                diverged += counts[TrialStatus.DIVERGED.ordinal()];
                failed += counts[TrialStatus.FAILED.ordinal()];
                timeout += counts[TrialStatus.TIMEOUT.ordinal()];
                ran += b.size();
            } finally {
                b.results().unpersist(false);
            }
        }

        private static List<TrialStatus> await(InFlight b) {
            try {
                return b.statuses().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for batch " + b.batch(), e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof RuntimeException re) throw re;
                if (cause instanceof Error err) throw err;
                throw new IllegalStateException("batch " + b.batch() + " failed: " + cause.getMessage(), cause);
            }
        }

        @Override public void close() {
            spark.sparkContext().removeSparkListener(progress);
            jsc.clearJobGroup();
            jsc.setLocalProperty("spark.scheduler.pool", null);
        }
    }

    private static void commitGroup(SparkSession spark, Commits commits, JavaRDD<TrialResult> rows, String key, long n) {
        if (n == 0) return;
        Dataset<Row> trials = spark.createDataFrame(rows.map(TrialsTable::toRow), TrialsTable.SCHEMA);
        int files = Math.max(1, (int) (n / 100));
        commits.commit(key, trials, dir -> LayerStatsWriter.write(rows, files, dir));
    }

    /** The short result table printed after a run: the varied axes, depth, and the headline numbers. */
    static Dataset<Row> headline(SparkSession spark, Warehouse warehouse, Study study) {
        List<Column> cols = new ArrayList<>();
        for (Axis a : study.variedAxes()) if (a != Axis.DEPTH) cols.add(col(a.column()));
        cols.add(col(Axis.DEPTH.column()));
        List<Column> keys = new ArrayList<>(cols);
        for (String c : List.of("trials", "ok_rate", "diverged_rate", "w_log10_atten_init_median",
                "b_log10_atten_init_median", "b_layer_factor_init", "b_log10_atten_train_median", "test_accuracy_median"))
            cols.add(col(c));
        Dataset<Row> summary = spark.read().parquet(warehouse.table(DepthSummary.NAME))
                .where(col(TrialsTable.STUDY).equalTo(study.name()));
        return summary.select(cols.toArray(Column[]::new)).orderBy(keys.toArray(Column[]::new));
    }
}
