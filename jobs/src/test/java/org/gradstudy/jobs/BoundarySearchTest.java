package org.gradstudy.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyParser;
import org.gradstudy.theory.MeanField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adaptive search for the vanishing/exploding boundary of the init gain g (weights N(0, g/fan_in)),
 * for relu and tanh at two depths, width 256, 4 seeds, one example per step (the bias gradient is then
 * the back-propagated signal itself). Mean-field theory: relu crosses at g = 2 at every depth; tanh
 * near 1 in the deep limit, higher at finite depth because the forward variance approaches its fixed
 * point only slowly: the prediction followed layer by layer crosses at 1.96 (depth 10) and 1.65 (20).
 * Tolerance: at the found gain, theory's per-layer factor is within 1.5% of 1. Why 1.5%: the per-layer
 * factor of one width-256 network scatters ~0.6% and the seed mean of 4 about 0.3%, plus ~1% for the
 * bisection tolerance 0.05 (a 2.5% gain step moves relu's factor sqrt(g/2) by 1.2%); near tanh's
 * crossing the factor changes slowly with g, so the same factor error is a larger error in g.
 */
class BoundarySearchTest {
    static SparkSession spark;
    @TempDir static Path dir;

    @BeforeAll static void start() { spark = SparkTestSession.create("BoundarySearchTest"); }

    @AfterAll static void stop() { spark.stop(); }

    static final String STUDY = """
            name = bnd
            seed = 7
            replicates = 4
            search = boundary
            boundary { axis = init-gain, tolerance = 0.05, max-rounds = 10 }
            axes {
              activation = [relu, tanh]
              init = [scaled-normal]
              init-gain = { log-uniform = [0.25, 4.0] }
              depth = [10, 20]
              width = [256]
            }
            training { steps = 1, batch-size = 1, dataset = teacher, input-dim = 64, samples = 64, test-fraction = 0.5, classes = 4 }
            probe { every = 1 }
            """;

    @Test
    void findsTheMeanFieldBoundaryOfReluAndTanhAndResumes() {
        Study study = StudyParser.parse(STUDY, "bnd.conf", "bnd");
        Warehouse wh = new Warehouse(dir.resolve("wh").toString());
        RunJob.Outcome first = SearchJob.run(spark, study, wh, RunJob.Options.defaults());
        assertEquals(RunJob.Exit.COMPLETE, first.exit());
        List<Row> rows = spark.sql("SELECT activation, depth, estimate, bracket_low, bracket_high, status, trials, rounds FROM parquet.`"
                + wh.table("boundaries") + "` ORDER BY activation, depth").collectAsList();
        assertEquals(4, rows.size());
        for (Row r : rows) {
            Activation a = Activation.valueOf(r.getString(0).toUpperCase());
            int depth = r.getInt(1);
            double g = r.getDouble(2);
            assertEquals("found", r.getString(5), r.toString());
            assertTrue(r.getDouble(4) / r.getDouble(3) - 1 < 0.05, "bracket narrower than the tolerance: " + r);
            double factor = MeanField.finiteDepthFactor(a, g, g, depth); // first layer: q1 = g (unit-variance inputs)
            assertEquals(1.0, factor, 0.015, a + " depth " + depth + ": theory's per-layer factor at the found gain " + g);
            if (a == Activation.RELU) assertEquals(2.0, g, 0.06, "relu: chi = g/2 = 1 at g = 2, at every depth");
        }
        // Every round's trials are in the normal tables: a rerun finds them all and trains nothing.
        long trials = spark.sql("SELECT count(*) FROM parquet.`" + wh.table("trials") + "`").first().getLong(0);
        assertEquals(rows.stream().mapToLong(r -> r.getInt(6)).sum(), trials);
        RunJob.Outcome again = SearchJob.run(spark, study, wh, RunJob.Options.defaults());
        assertEquals(0, again.ran());
        assertEquals(rows, spark.sql("SELECT activation, depth, estimate, bracket_low, bracket_high, status, trials, rounds FROM parquet.`"
                + wh.table("boundaries") + "` ORDER BY activation, depth").collectAsList());
    }
}
