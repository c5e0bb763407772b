package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;
import org.gradstudy.study.StudyParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A small real warehouse for the SQL tests, built once per test JVM: study {@code sqltest} (16 trials,
 * some diverged: identity networks at learning rate 1 without clipping), run twice (two rows in runs),
 * and study {@code 2024} (one trial; its name must stay a string in every engine).
 */
final class TinyWarehouse {
    static final String SQLTEST = """
            name = sqltest
            seed = 7
            replicates = 2
            axes { activation = [identity, tanh], init = [large-normal], depth = [2, 6], width = [8],
                   learning-rate = [1.0], clipping = [none, global-l2] }
            training { steps = 12, batch-size = 16, samples = 96, dataset = teacher }
            probe { every = 4 }
            """;
    static final String NUMERIC_NAME = """
            name = "2024"
            axes { depth = [2], width = [4] }
            training { steps = 2, batch-size = 8, samples = 32 }
            """;

    private static Warehouse built;

    private TinyWarehouse() {}

    /** The warehouse, built with {@code spark} on first use; deleted when the JVM exits. */
    static synchronized Warehouse get(SparkSession spark) {
        if (built != null) return built;
        try {
            Path dir = Files.createTempDirectory("gradstudy-sql-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            Warehouse wh = new Warehouse(dir.resolve("wh").toString());
            RunJob.run(spark, StudyParser.parse(SQLTEST, "sqltest.conf", "sqltest"), wh);
            RunJob.run(spark, StudyParser.parse(SQLTEST, "sqltest.conf", "sqltest"), wh); // nothing left: a second runs row
            RunJob.run(spark, StudyParser.parse(NUMERIC_NAME, "2024.conf", "2024"), wh);
            built = wh;
            return wh;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds the warehouse in a session of its own, stopped afterwards (for tests that start their own). */
    static Warehouse get() {
        synchronized (TinyWarehouse.class) {
            if (built != null) return built;
        }
        SparkSession spark = SparkTestSession.create("TinyWarehouse");
        try {
            return get(spark);
        } finally {
            spark.stop();
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
