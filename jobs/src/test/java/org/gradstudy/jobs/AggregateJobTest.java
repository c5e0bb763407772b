package org.gradstudy.jobs;

import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.gradstudy.study.StudyParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregate tables of a small real study (activation x init x depth, 3 seeds), checked against
 * values recomputed here from the base tables, against theory, and for idempotence.
 */
class AggregateJobTest {
    static SparkSession spark;
    @TempDir static Path dir;
    static Warehouse wh;

    static final String STUDY = """
            name = agg
            seed = 5
            replicates = 3
            axes { activation = [sigmoid, relu], init = [xavier-normal, he-normal], depth = [2, 8], width = [32] }
            training { steps = 20, batch-size = 16, samples = 256, dataset = spirals }
            probe { every = 5 }
            """;

    @BeforeAll static void start() {
        spark = SparkTestSession.create("AggregateJobTest");
        wh = new Warehouse(dir.resolve("wh").toString());
        RunJob.run(spark, StudyParser.parse(STUDY, "agg.conf", "agg"), wh);
    }

    @AfterAll static void stop() { spark.stop(); }

    static List<Row> rows(String table, String where, String orderBy) {
        return spark.sql("SELECT * FROM parquet.`" + wh.table(table) + "` WHERE " + where + " ORDER BY " + orderBy).collectAsList();
    }

    /** trial_id -> log10(||g_1|| / ||g_depth||) of bias gradients at step 0, from layer_stats. */
    static Map<String, Double> attenuations() {
        Map<String, Map<Integer, Double>> byTrial = new HashMap<>();
        for (Row r : spark.sql("SELECT trial_id, layer, grad_l2 FROM parquet.`" + wh.table("layer_stats")
                + "` WHERE step = 0 AND param = 'b' AND layer_kind = 'hidden'").collectAsList())
            byTrial.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getInt(1), r.getDouble(2));
        Map<String, Double> out = new HashMap<>();
        byTrial.forEach((id, m) -> { if (m.size() >= 2) out.put(id, Math.log10(m.get(1) / m.get(m.size()))); });
        return out;
    }

    @Test
    void trialMetricsRecomputeFromLayerStats() {
        List<Row> m = rows("trial_metrics", "study = 'agg'", "trial_id");
        assertEquals(24, m.size());
        Map<String, Double> expected = attenuations();
        for (Row r : m) {
            int depth = r.getAs("depth");
            if (depth < 2) continue;
            assertEquals(expected.get(r.<String>getAs("trial_id")), r.<Double>getAs("b_log10_atten_init"), 1e-12);
            assertEquals(Math.pow(10, expected.get(r.<String>getAs("trial_id")) / (depth - 1)), r.<Double>getAs("b_layer_factor_init"), 1e-12);
            assertEquals(-2.0, r.<Double>getAs("vanishing_log10"), 0, "the default threshold is recorded");
        }
        // Sigmoid + xavier at depth 8: sqrt(chi) = 0.236 per layer over 7 layers is -4.4 decades: far below
        // the -2 threshold whatever the seed (seeds scatter log10 r by 0.1-0.3). relu + he: about 0.
        for (Row r : m) {
            if (r.<Integer>getAs("depth") != 8) continue;
            boolean sigmoidXavier = r.getAs("activation").equals("sigmoid") && r.getAs("init").equals("xavier-normal");
            boolean reluHe = r.getAs("activation").equals("relu") && r.getAs("init").equals("he-normal");
            if (sigmoidXavier) assertEquals(true, r.getAs("vanishing"), r.toString());
            if (reluHe) assertEquals(false, r.getAs("vanishing"), r.toString());
        }
    }

    @Test
    void techniqueDepthIsLongFormOverTheVariedAxes() {
        List<Row> td = rows("technique_depth", "study = 'agg'", "axis, value, depth");
        assertEquals(8, td.size(), "2 varied axes x 2 values x 2 depths");
        assertEquals(Set.of("activation", "init"), new TreeSet<>(td.stream().map(r -> r.<String>getAs("axis")).toList()));
        Map<String, Double> atten = attenuations();
        List<Row> metrics = rows("trial_metrics", "study = 'agg'", "trial_id");
        for (Row r : td) {
            assertEquals(6L, r.<Long>getAs("trials"), "the other axis's 2 values x 3 seeds");
            assertEquals(3L, r.<Long>getAs("seeds"));
            String axis = r.getAs("axis"), value = r.getAs("value");
            int depth = r.getAs("depth");
            List<Double> xs = new ArrayList<>();
            for (Row t : metrics)
                if (t.getAs(axis).equals(value) && t.<Integer>getAs("depth") == depth) xs.add(atten.get(t.<String>getAs("trial_id")));
            assertEquals(RunJobTest.median(xs), r.<Double>getAs("b_log10_atten_init_median"), 1e-12, r.toString());
            assertTrue(r.<Double>getAs("b_log10_atten_init_p10") <= r.<Double>getAs("b_log10_atten_init_median"));
            assertEquals(0.0, r.<Double>getAs("failed_rate"), 0);
        }
    }

    @Test
    void layerProfileRecomputesFromLayerStats() {
        // Recorded steps 0, 5, 10, 15, 20 of 20: init = 0, early = 5 and 10 (up to half), late = 15 and 20.
        // Each trial contributes the geometric mean of its phase's values; then percentiles across trials.
        Map<String, Row> trials = new HashMap<>();
        for (Row t : rows("trial_metrics", "study = 'agg'", "trial_id")) trials.put(t.getAs("trial_id"), t);
        Map<String, List<Double>> late = new HashMap<>(); // trial -> grad_l2 of layer 1's W at steps 15 and 20
        for (Row r : spark.sql("SELECT trial_id, step, grad_l2 FROM parquet.`" + wh.table("layer_stats")
                + "` WHERE layer = 1 AND param = 'W' AND step > 10").collectAsList())
            late.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getDouble(2));
        List<Row> lp = rows("layer_profile", "study = 'agg' AND layer = 1 AND param = 'W' AND phase = 'late'", "axis, value, depth");
        assertEquals(8, lp.size(), "2 varied axes x 2 values x 2 depths");
        for (Row r : lp) {
            String axis = r.getAs("axis"), value = r.getAs("value");
            int depth = r.getAs("depth");
            List<Double> xs = new ArrayList<>();
            late.forEach((id, g) -> {
                Row t = trials.get(id);
                if (t.getAs(axis).equals(value) && t.<Integer>getAs("depth") == depth) {
                    assertEquals(2, g.size(), id);
                    xs.add(Math.sqrt(g.get(0) * g.get(1)));
                }
            });
            assertEquals(6L, r.<Long>getAs("trials"), "the other axis's 2 values x 3 seeds");
            // 1e-12 relative: the query takes 10^(mean log10), not the square root of the product
            assertEquals(percentile(xs, 0.5), r.<Double>getAs("grad_l2_median"), 1e-12 * percentile(xs, 0.5), r.toString());
            assertEquals(percentile(xs, 0.1), r.<Double>getAs("grad_l2_p10"), 1e-12 * percentile(xs, 0.1), r.toString());
            assertEquals(percentile(xs, 0.9), r.<Double>getAs("grad_l2_p90"), 1e-12 * percentile(xs, 0.9), r.toString());
            assertEquals("hidden", r.getAs("layer_kind"));
        }
        assertEquals(Set.of("init", "early", "late"), new TreeSet<>(rows("layer_profile", "study = 'agg'", "phase").stream()
                .map(r -> r.<String>getAs("phase")).toList()));
    }

    /** The q-quantile with linear interpolation between order statistics at (n - 1) q (Spark's percentile). */
    static double percentile(List<Double> xs, double q) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double pos = (s.length - 1) * q;
        int lo = (int) Math.floor(pos), hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    @Test
    void effectsPairEachTrialWithItsTwin() {
        List<Row> te = rows("technique_effects", "study = 'agg'", "axis, depth");
        assertEquals(4, te.size(), "activation relu vs sigmoid and init he vs xavier, at 2 depths");
        Map<String, Double> atten = attenuations();
        List<Row> metrics = rows("trial_metrics", "study = 'agg'", "trial_id");
        for (Row e : te) {
            String axis = e.getAs("axis"), other = axis.equals("activation") ? "init" : "activation";
            assertEquals(axis.equals("activation") ? "relu" : "he-normal", e.getAs("value"));
            assertEquals(axis.equals("activation") ? "sigmoid" : "xavier-normal", e.getAs("baseline"));
            assertEquals(6L, e.<Long>getAs("pairs"), "2 values of the other axis x 3 seeds");
            int depth = e.getAs("depth");
            List<Double> diffs = new ArrayList<>();
            for (Row a : metrics)
                for (Row b : metrics)
                    if (a.getAs(axis).equals(e.getAs("value")) && b.getAs(axis).equals(e.getAs("baseline"))
                            && a.getAs(other).equals(b.getAs(other)) && a.<Integer>getAs("depth") == depth
                            && b.<Integer>getAs("depth") == depth && a.<Integer>getAs("replicate").equals(b.getAs("replicate")))
                        diffs.add(atten.get(a.<String>getAs("trial_id")) - atten.get(b.<String>getAs("trial_id")));
            assertEquals(6, diffs.size());
            assertEquals(RunJobTest.median(diffs), e.<Double>getAs("d_log10_atten_init_median"), 1e-12);
            assertTrue(e.<Double>getAs("d_log10_atten_init_low") <= e.<Double>getAs("d_log10_atten_init_median")
                    && e.<Double>getAs("d_log10_atten_init_median") <= e.<Double>getAs("d_log10_atten_init_high"), e.toString());
        }
        // relu vs sigmoid at depth 8: sigmoid loses about 0.63 decades per layer (xavier) or 0.5 (he), relu
        // 0.15 (xavier) or 0 (he): every pair differs by more than 2 decades, so the whole interval does.
        Row deep = te.stream().filter(e -> e.getAs("axis").equals("activation") && e.<Integer>getAs("depth") == 8).findFirst().orElseThrow();
        assertTrue(deep.<Double>getAs("d_log10_atten_init_low") > 2, deep.toString());
    }

    @Test
    void theoryStandsBesideTheMeasuredFactor() {
        List<Row> th = rows("theory", "study = 'agg' AND depth = 8", "activation, init");
        assertEquals(4, th.size());
        Map<String, Row> by = new HashMap<>();
        th.forEach(r -> by.put(r.getAs("activation") + "+" + r.getAs("init"), r));
        assertEquals(1.0, by.get("relu+he-normal").<Double>getAs("predicted_factor"), 1e-12, "chi = s/2 = 1");
        assertEquals(Math.sqrt(0.5), by.get("relu+xavier-normal").<Double>getAs("predicted_factor"), 1e-12, "chi = 1/2");
        assertEquals(0.236, by.get("sigmoid+xavier-normal").<Double>getAs("predicted_factor"), 0.001, "STUDY.md: 0.236");
        // Measured relu factors at width 32 and batch 16, 3 seeds: one network scatters about 2% per
        // layer at this width (O(1/sqrt n)), and the batch-mean gradient mixes in cross-example
        // correlation (a few % at batch 16): 12% covers both.
        for (String k : List.of("relu+he-normal", "relu+xavier-normal"))
            assertEquals(1.0, by.get(k).<Double>getAs("measured_over_predicted"), 0.12, by.get(k).toString());
        assertEquals(3L, by.get("relu+he-normal").<Long>getAs("trials"), "3 seeds: nothing else varies with activation and init fixed");
    }

    @Test
    void claimsHaveEvidenceAndAVerdict() {
        List<Row> claims = rows("claims", "study = 'agg'", "claim, depth");
        assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7), new TreeSet<>(claims.stream().map(r -> r.<Integer>getAs("claim")).toList()));
        for (Row r : claims)
            assertTrue(Set.of("supported", "refuted", "mixed", "not enough data").contains(r.<String>getAs("verdict")), r.toString());
        Row c1 = claims.stream().filter(r -> r.<Integer>getAs("claim") == 1 && "d_log10_atten_init".equals(r.getAs("metric")))
                .findFirst().orElseThrow();
        assertEquals(true, c1.getAs("supports"), c1.toString());
        for (int c : List.of(4, 5, 6, 7)) {
            List<Row> rs = claims.stream().filter(r -> r.<Integer>getAs("claim") == c).toList();
            assertEquals(1, rs.size(), "no axis of claim " + c + " varies: one row saying so");
            assertEquals("not enough data", rs.get(0).getAs("verdict"));
        }
    }

    @Test
    void recomputingGivesTheSameTablesAndLeavesOtherStudiesAlone() {
        Map<String, List<String>> before = new HashMap<>();
        for (String t : AggregateJob.TABLES) before.put(t, sorted(t));
        AggregateJob.run(spark, wh, "agg");
        for (String t : AggregateJob.TABLES) assertEquals(before.get(t), sorted(t), t + " is recomputed identically");
        RunJob.run(spark, StudyParser.parse("name = other\n" + RunJobTest.SMALL, "other.conf", "other"), wh);
        for (String t : AggregateJob.TABLES) assertEquals(before.get(t), sorted(t), t + " of agg untouched by another study");
        assertEquals(2L, spark.sql("SELECT count(DISTINCT study) FROM parquet.`" + wh.table("technique_depth") + "`").first().getLong(0));
    }

    /**
     * Every derived table is one Parquet file per study: written after a shuffle to one partition when its query
     * reads layer_stats, merged into one task otherwise (Commits.replaceDerived).
     */
    @Test
    void eachDerivedTableIsOneFilePerStudy() throws IOException {
        for (Map.Entry<String, Set<String>> e : files(wh).entrySet())
            assertEquals(1, e.getValue().stream().filter(f -> f.endsWith(".parquet")).count(), e.getKey() + ": " + e.getValue());
    }

    @Test
    void sessionsKeepEveryGeneratedClassOfAnAggregationAndSmallPages() {
        // Static settings: the session must have been built with them (Sessions), not set afterwards.
        assertEquals(Integer.toString(Sessions.CODEGEN_CACHE_ENTRIES), spark.conf().get(Sessions.CODEGEN_CACHE));
        assertEquals(Sessions.PAGE_SIZE_VALUE, spark.conf().get(Sessions.PAGE_SIZE));
        assertEquals("false", spark.conf().get(Sessions.CODEGEN_ID_IN_CLASS_NAME));
    }

    @Test
    void aRepeatedAggregationFindsEveryGeneratedClassInTheCache() {
        AggregateJob.run(spark, wh, "agg"); // whatever other tests left, every query of this study has now run once
        long compiled = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
        AggregateJob.run(spark, wh, "agg");
        // Exact: the same study, the same plans, the same generated source. count(DISTINCT) over several
        // axes (an Expand keyed in a different order in every plan) compiled six classes here every time.
        assertEquals(0, CodegenMetrics.METRIC_COMPILATION_TIME().getCount() - compiled,
                "classes Spark generated and compiled again for the same aggregation");
    }

    @Test
    void aTableThatFailsOnThePoolEndsTheAggregationAndKeepsItsLastRows(@TempDir Path tmp) throws IOException {
        Warehouse copy = new Warehouse(copyTree(dir.resolve("wh"), tmp.resolve("wh")).toString());
        // A session of its own (its own functions): bootstrap_median, which only technique_effects calls
        // (a table written on the pool), fails in every task.
        SparkSession session = spark.newSession();
        AggregateJob.registerFunctions(session);
        session.udf().register("bootstrap_median", (UDF2<scala.collection.Seq<Double>, Integer, Row>) (xs, seed) -> {
            throw new IllegalStateException("injected bootstrap failure");
        }, AggregateJob.INTERVAL);
        Map<String, Set<String>> before = files(copy);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AggregateJob.run(session, copy, "agg"));

        // Spark's job failure is a checked exception: wrapped once, naming the study, with the UDF's cause below it.
        assertTrue(e.getMessage().startsWith("aggregate tables of study agg: "), e.getMessage());
        assertTrue(Stream.iterate((Throwable) e, Objects::nonNull, Throwable::getCause)
                .anyMatch(c -> String.valueOf(c.getMessage()).contains("injected bootstrap failure")), "the cause is kept");
        // The failed table and claims (which reads it) keep their files; every other table was written
        // before the exception came out, the pool's layer_profile and technique_depth included.
        Map<String, Set<String>> after = files(copy);
        for (String t : AggregateJob.TABLES) {
            boolean kept = t.equals(AggregateJob.TECHNIQUE_EFFECTS) || t.equals(AggregateJob.CLAIMS);
            assertEquals(kept, before.get(t).equals(after.get(t)), t + (kept ? " keeps its last files" : " is rewritten"));
        }
        assertFalse(session.conf().contains(AggregateJob.OBJECT_AGG_FALLBACK), "the aggregation's own setting is undone");
    }

    /** Table -> the file names of study agg's partition. */
    static Map<String, Set<String>> files(Warehouse wh) throws IOException {
        Map<String, Set<String>> out = new HashMap<>();
        for (String t : AggregateJob.TABLES)
            try (Stream<Path> fs = Files.list(Path.of(wh.table(t), "study=agg"))) {
                out.put(t, fs.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)));
            }
        return out;
    }

    static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
        return to;
    }

    static List<String> sorted(String table) {
        return spark.read().parquet(wh.table(table)).where("study = 'agg'").collectAsList().stream().map(Row::toString).sorted().toList();
    }
}
