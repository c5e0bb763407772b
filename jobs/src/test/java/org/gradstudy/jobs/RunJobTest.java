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

    @Test
    void writesAllThreeTablesAndTheyAgree() {
        Warehouse wh = new Warehouse(dir.resolve("wh").toString());
        RunJob.Outcome outcome = RunJob.run(spark, study(TINY), wh);
        assertEquals(new RunJob.Outcome(8, 8, 0, 0), outcome);
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

    @Test
    void rerunReplacesItsOwnPartitionAndLeavesOtherStudiesAlone() {
        Warehouse wh = new Warehouse(dir.resolve("shared").toString());
        String small = "axes { depth = [2] }\ntraining { steps = 3, batch-size = 8, samples = 64 }\n";
        RunJob.run(spark, study("name = a\nreplicates = 2\n" + small), wh);
        RunJob.run(spark, study("name = b\nreplicates = 3\n" + small), wh);
        RunJob.run(spark, study("name = a\nreplicates = 2\n" + small), wh);
        List<Row> counts = spark.sql("SELECT study, count(*) FROM parquet.`" + wh.table("trials") + "` GROUP BY study ORDER BY study")
                .collectAsList();
        assertEquals("[[a,2], [b,3]]", counts.toString());
        assertEquals(2L, spark.sql("SELECT count(*) FROM parquet.`" + wh.table("depth_summary") + "`").first().getLong(0));
    }
}
