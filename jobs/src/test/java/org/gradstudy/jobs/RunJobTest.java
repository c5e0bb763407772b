package org.gradstudy.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import java.nio.file.Files;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny study on local[2]: all three tables written, read back with SQL, and consistent. */
class RunJobTest {
    static SparkSession spark;
    @TempDir static Path dir;

    static final String TINY = """
            name = tiny
            seed = 3
            replicates = 2
            axes { activation = [relu, sigmoid], init = [he-normal], depth = [2, 6], width = [16] }
            training { steps = 20, batch-size = 16, samples = 256, dataset = spirals }
            probe { every = 5 }
            """;

    @BeforeAll static void start() { spark = SparkTestSession.create("RunJobTest"); }

    @AfterAll static void stop() { spark.stop(); }

    static Study study(String text) { return StudyParser.parse(text, "tiny.conf", "tiny"); }

    /**
     * Every column of a trial's layer_stats rows is the engine's statistic, exactly: the trial is trained
     * again outside Spark (deterministic) and its records compared with the rows read back, nulls included.
     */
    @Test
    void layerStatsRowsAreTheEnginesRecordsColumnByColumn() {
        Warehouse wh = new Warehouse(dir.resolve("exact").toString());
        Study s = study(TINY);
        RunJob.run(spark, s, wh);
        // A sigmoid trial of depth 6: saturation set, dead units null, the output layer's activation columns null.
        org.gradstudy.study.TrialConfig t = org.gradstudy.study.Expander.expand(s).trials().stream()
                .filter(c -> c.activation() == org.gradstudy.study.Activation.SIGMOID && c.depth() == 6).findFirst().orElseThrow();
        org.gradstudy.result.TrialResult r = org.gradstudy.engine.TrialRunner.run(t);
        List<Row> rows = spark.read().parquet(wh.table(LayerStatsTable.NAME)).where("trial_id = '" + t.trialId() + "'")
                .orderBy("step", "layer", "param").collectAsList();
        List<org.gradstudy.result.LayerStat> expected = new ArrayList<>(r.layerStats());
        expected.sort(java.util.Comparator.comparingInt(org.gradstudy.result.LayerStat::step)
                .thenComparingInt(org.gradstudy.result.LayerStat::layer).thenComparing(org.gradstudy.result.LayerStat::param));
        assertEquals(expected.size(), rows.size());
        List<Object> prefix = Columns.trialValues(t);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            org.gradstudy.result.LayerStat e = expected.get(i);
            for (int c = 0; c < prefix.size(); c++) {
                String name = LayerStatsTable.SCHEMA.fields()[c].name();
                assertEquals(prefix.get(c), row.getAs(name), name);
            }
            assertEquals(new org.gradstudy.result.LayerStat(row.getAs("step"), row.getAs("layer"), row.getAs("layer_kind"), row.getAs("param"),
                    row.getAs("loss"), row.getAs("n"), row.getAs("grad_l2"), row.getAs("grad_mean_abs"), row.getAs("grad_max_abs"),
                    row.getAs("grad_std"), row.getAs("grad_zero_fraction"), row.getAs("grad_nonfinite"), row.getAs("param_l2"),
                    row.getAs("update_l2"), row.getAs("update_ratio"), row.getAs("act_mean"), row.getAs("act_std"),
                    row.getAs("act_saturated_fraction"), row.getAs("act_dead_fraction"), row.getAs("grad_norm_pre_clip"),
                    row.getAs("grad_norm_post_clip"), row.getAs("clipped")), e, "row " + i);
        }
    }

    @Test
    void writesAllThreeTablesAndTheyAgree() {
        Warehouse wh = new Warehouse(dir.resolve("wh").toString());
        RunJob.Outcome outcome = RunJob.run(spark, study(TINY), wh);
        assertEquals(new RunJob.Outcome(8, 0, 8, 8, 0, 0, 0, 0, RunJob.Exit.COMPLETE, null), outcome);
        assertEquals(0, outcome.exitCode());

        String trials = "parquet.`" + wh.table("trials") + "`";
        String stats = "parquet.`" + wh.table("layer_stats") + "`";
        String summary = "parquet.`" + wh.table("depth_summary") + "`";
        assertEquals(8L, spark.sql("SELECT count(DISTINCT trial_id) FROM " + trials).first().getLong(0));
        assertEquals(DataTypes.IntegerType, spark.read().parquet(wh.table("trials")).schema().apply("depth").dataType());
        assertEquals(DataTypes.DoubleType, spark.read().parquet(wh.table("trials")).schema().apply("learning_rate").dataType());
        assertEquals(DataTypes.StringType, spark.read().parquet(wh.table("trials")).schema().apply("study").dataType());

        // Recorded steps 0, 5, 10, 15, 19; (depth + 1) layers x (W, b); 2 activations x 2 replicates per depth.
        assertEquals(4L * (5 * 3 * 2 + 5 * 7 * 2), spark.sql("SELECT count(*) FROM " + stats).first().getLong(0));
        assertEquals(0L, spark.sql("SELECT count(*) FROM " + stats + " s LEFT ANTI JOIN " + trials
                + " t ON s.trial_id = t.trial_id").first().getLong(0), "every stat row belongs to a trial");
        // Every trial ran in this JVM's executor (local mode: the driver).
        assertEquals(1L, spark.sql("SELECT count(DISTINCT executor) FROM " + trials).first().getLong(0));

        // depth_summary equals the attenuation recomputed here from layer_stats.
        List<Row> rows = spark.sql("SELECT activation, depth, trials, ok_rate, b_log10_atten_init_median, "
                + "w_log10_atten_init_median, b_layer_factor_init FROM " + summary + " ORDER BY activation, depth").collectAsList();
        assertEquals(4, rows.size());
        for (Row r : rows) {
            String act = r.getString(0);
            int depth = r.getInt(1);
            assertEquals(2L, r.getLong(2));
            assertEquals(1.0, r.getDecimal(3).doubleValue(), 0);
            double b = median(attenuations(stats, act, depth, "b"));
            assertEquals(b, r.getDouble(4), 1e-12, act + " depth " + depth);
            assertEquals(median(attenuations(stats, act, depth, "W")), r.getDouble(5), 1e-12);
            assertEquals(Math.pow(10, b / (depth - 1)), r.getDouble(6), 1e-12);
        }
        // Sigmoid under he init (s = 2): sqrt(chi) = 0.318 per layer at the fixed point, so 5 layers cost
        // about 2.5 decades; -1.5 leaves room for the 2-d first layer and width-16 scatter.
        assertTrue(rows.get(3).getDouble(4) < -1.5, "sigmoid depth 6 vanishes: " + rows.get(3));
    }

    /** Per-trial log10(||g_1|| / ||g_depth||) at step 0 for one group. */
    static List<Double> attenuations(String stats, String act, int depth, String param) {
        Map<String, Map<Integer, Double>> byTrial = spark.sql("SELECT trial_id, layer, grad_l2 FROM " + stats
                + " WHERE step = 0 AND activation = '" + act + "' AND depth = " + depth + " AND param = '" + param + "'")
                .collectAsList().stream().collect(Collectors.groupingBy(r -> r.getString(0),
                        Collectors.toMap(r -> r.getInt(1), r -> r.getDouble(2))));
        List<Double> out = new ArrayList<>();
        byTrial.values().forEach(m -> out.add(Math.log10(m.get(1) / m.get(depth))));
        return out;
    }

    /** Spark's exact percentile(x, 0.5): linear interpolation between the middle order statistics. */
    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        double pos = 0.5 * (s.size() - 1);
        int lo = (int) Math.floor(pos);
        return s.get(lo) + (pos - lo) * (s.get(Math.min(lo + 1, s.size() - 1)) - s.get(lo));
    }

    static final String SMALL = "axes { depth = [2, 3], activation = [relu, tanh] }\n"
            + "training { steps = 3, batch-size = 8, samples = 64 }\nreplicates = 2\n";

    static long count(Warehouse wh, String table, String where) {
        return spark.sql("SELECT count(*) FROM parquet.`" + wh.table(table) + "` WHERE " + where).first().getLong(0);
    }

    @Test
    void budgetsStopCleanlyAndRerunsResumeWithEveryTrialExactlyOnce() {
        Warehouse wh = new Warehouse(dir.resolve("resume").toString());
        Study s = study("name = a\n" + SMALL);
        RunJob.Options opts = new RunJob.Options(3, 0, false, 0, 0.5, 2);
        RunJob.Outcome first = RunJob.run(spark, s, wh, opts);
        assertEquals(new RunJob.Outcome(8, 0, 3, 3, 0, 0, 0, 5, RunJob.Exit.PARTIAL, "--max-trials 3 reached"), first);
        assertEquals(3, first.exitCode());
        assertEquals(3L, count(wh, "trials", "study = 'a'"));
        RunJob.Outcome second = RunJob.run(spark, s, wh, RunJob.Options.defaults());
        assertEquals(new RunJob.Outcome(8, 3, 5, 5, 0, 0, 0, 0, RunJob.Exit.COMPLETE, null), second);
        RunJob.Outcome third = RunJob.run(spark, s, wh, RunJob.Options.defaults());
        assertEquals(new RunJob.Outcome(8, 8, 0, 0, 0, 0, 0, 0, RunJob.Exit.COMPLETE, null), third, "nothing left to run");
        assertEquals(8L, spark.sql("SELECT count(DISTINCT trial_id) FROM parquet.`" + wh.table("trials") + "`").first().getLong(0));
        assertEquals(8L, count(wh, "trials", "true"), "one row per trial");
        // 4 trials per depth x 2 recorded steps (0 and the last, 2) x (depth + 1) layers x (W, b)
        assertEquals(4L * 2 * ((2 + 1) * 2 + (3 + 1) * 2), count(wh, "layer_stats", "true"), "no duplicated statistics");
        assertEquals(3L, count(wh, "runs", "study = 'a'"));
        assertEquals(List.of("partial", "complete", "complete"), spark.sql("SELECT exit_status FROM parquet.`" + wh.table("runs")
                + "` ORDER BY started_at").collectAsList().stream().map(r -> r.getString(0)).toList());
        // Another study in the same warehouse leaves this one alone.
        RunJob.run(spark, study("name = b\n" + SMALL), wh);
        assertEquals("[[a,8], [b,8]]", spark.sql("SELECT study, count(*) FROM parquet.`" + wh.table("trials")
                + "` GROUP BY study ORDER BY study").collectAsList().toString());
        assertEquals(2L, spark.sql("SELECT count(DISTINCT study) FROM parquet.`" + wh.table("depth_summary") + "`").first().getLong(0));
    }

    /**
     * Short trials run several to a task, each recorded once: 16 trials of 3 steps (about 6 ms estimated
     * each) in one batch of 16 on local[2] make 4 packs of 4, the most a batch of 16 may hold while
     * keeping two tasks per core.
     */
    @Test
    void shortTrialsRunSeveralToATaskEachRecordedOnce() {
        Warehouse wh = new Warehouse(dir.resolve("packed").toString());
        Study s = study("name = p\naxes { depth = [2, 3], activation = [relu, tanh] }\n"
                + "training { steps = 3, batch-size = 8, samples = 64 }\nreplicates = 4\n");
        TaskSpan span = new TaskSpan();
        spark.sparkContext().addSparkListener(span);
        try {
            RunJob.Outcome o = RunJob.run(spark, s, wh, new RunJob.Options(0, 0, false, 0, 0.5, 16));
            assertEquals(new RunJob.Outcome(16, 0, 16, 16, 0, 0, 0, 0, RunJob.Exit.COMPLETE, null), o);
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        } finally {
            spark.sparkContext().removeSparkListener(span);
        }
        assertEquals(4, span.trialTasks(), "16 trials in 4 tasks");
        assertEquals(16, span.done.get(), "the trials counted by the run's accumulator");
        assertTrue(span.trialCpuSeconds() > 0, "the trial tasks' CPU time, from Spark's task metrics");
        assertEquals(16L, count(wh, "trials", "true"));
        assertEquals(16L, spark.sql("SELECT count(DISTINCT trial_id) FROM parquet.`" + wh.table("trials") + "`").first().getLong(0));
        // 8 trials per depth x 2 recorded steps (0 and the last, 2) x (depth + 1) layers x (W, b)
        assertEquals(8L * 2 * ((2 + 1) * 2 + (3 + 1) * 2), count(wh, "layer_stats", "true"));
    }

    @Test
    void leftoversOfAKilledRunAreCleanedAndItsTrialsRunAgain() throws Exception {
        Warehouse wh = new Warehouse(dir.resolve("killed").toString());
        Study s = study("name = k\n" + SMALL);
        RunJob.run(spark, s, wh, new RunJob.Options(4, 0, false, 0, 0.5, 4));
        // Simulate a driver killed between renaming a batch's layer_stats files and its trials file,
        // and one killed while Spark was writing to staging.
        Path part = dir.resolve("killed/layer_stats/study=k");
        Path orphan = part.resolve("part-19990101T000000Z-dead0-0-final-0.parquet");
        Files.copy(Files.list(part).filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow(), orphan);
        Files.createDirectories(dir.resolve("killed/_staging/k/19990101T000000Z-dead0-1-final/trials"));
        RunJob.Outcome rest = RunJob.run(spark, s, wh, RunJob.Options.defaults());
        assertEquals(4, rest.alreadyDone());
        assertFalse(Files.exists(orphan), "orphan statistics removed");
        assertFalse(Files.exists(dir.resolve("killed/_staging/k")), "staging removed");
        assertEquals(8L, count(wh, "trials", "true"));
        assertEquals(4L * 2 * ((2 + 1) * 2 + (3 + 1) * 2), count(wh, "layer_stats", "true"));
    }

    @Test
    void timeoutsAreRecordedAndRetriedOnlyWhenAsked() {
        Warehouse wh = new Warehouse(dir.resolve("timeout").toString());
        Study s = study("name = slow\naxes { depth = [2], width = [8] }\ntraining { steps = 100000, batch-size = 8, samples = 64 }\n");
        RunJob.Outcome o = RunJob.run(spark, s, wh, new RunJob.Options(0, 0, false, 0.5, 1.0, 0));
        assertEquals(1, o.timeout());
        assertEquals(RunJob.Exit.FAILED, o.exit(), "its only trial timed out");
        Row t = spark.sql("SELECT status, error, steps_run FROM parquet.`" + wh.table("trials") + "`").first();
        assertEquals("timeout", t.getString(0));
        assertTrue(t.getString(1).startsWith("timeout: stopped after 0.5 s at step "), t.getString(1));
        assertTrue(t.getInt(2) > 0 && t.getInt(2) < 100000);
        assertEquals(0, RunJob.run(spark, s, wh, RunJob.Options.defaults()).ran(), "a timeout is a result until --retry-failed");
        RunJob.Outcome retried = RunJob.run(spark, s, wh, new RunJob.Options(0, 0, true, 0.5, 1.0, 0));
        assertEquals(1, retried.ran());
        assertEquals(1L, count(wh, "trials", "true"), "the retried trial replaced its old row");
    }

    @Test
    void theCircuitBreakerStopsARunWhoseTrialsAllFail() {
        Warehouse wh = new Warehouse(dir.resolve("breaker").toString());
        // A per-trial limit no trial can meet makes every trial fail the same way: systematic.
        Study s = study("name = br\nreplicates = 30\naxes { depth = [2], width = [8] }\ntraining { steps = 100000, batch-size = 8, samples = 64 }\n");
        RunJob.Outcome o = RunJob.run(spark, s, wh, new RunJob.Options(0, 0, false, 0.05, 0.5, 10));
        assertEquals(RunJob.Exit.FAILED, o.exit());
        assertEquals(10, o.ran(), "stopped after the first batch of 10");
        assertEquals(20, o.skipped());
        assertTrue(o.reason().startsWith("circuit breaker: 10 of 10 trials failed or timed out"), o.reason());
    }
}
