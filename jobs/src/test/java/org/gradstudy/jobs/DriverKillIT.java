package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;
import org.gradstudy.study.StudyParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of the driver in the middle of a study, then a rerun: the final tables equal those of an
 * uninterrupted run (timing columns aside), nothing duplicated, nothing missing.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DriverKillIT {
    @TempDir static Path dir;
    static SparkSession spark;

    @BeforeAll static void start() { spark = SparkTestSession.create("DriverKillIT"); }

    @AfterAll static void stop() { spark.stop(); }

    @Test
    void killedDriverThenRerunEqualsAnUninterruptedRun() throws Exception {
        Path study = Files.writeString(dir.resolve("dk.conf"), "name = dk\nseed = 5\nreplicates = 4\n"
                + "axes { activation = [relu, tanh, sigmoid], depth = [3, 6], width = [32] }\n"
                + "training { steps = 300, batch-size = 32, samples = 512 }\nprobe { every = 50 }\n");
        Path wh = dir.resolve("wh");
        Path log = dir.resolve("killed.log");
        Process run = Processes.start(log, "gradstudy", "run", study.toString(), "--warehouse", wh.toString(), "--commit-every", "2");
        long deadline = System.currentTimeMillis() + 300_000;
        while (Processes.committedBatches(wh, "dk") < 2 && System.currentTimeMillis() < deadline && run.isAlive())
            Thread.sleep(100);
        assertTrue(run.isAlive(), "the run was still going when killed; log: " + Files.readString(log));
        run.destroyForcibly(); // SIGKILL: no shutdown hooks, a batch may be half written
        run.waitFor(60, TimeUnit.SECONDS);
        long committed = Processes.committedBatches(wh, "dk");
        assertTrue(committed >= 2 && committed < 12, "killed mid-study after " + committed + " of 12 batches");

        Path log2 = dir.resolve("rerun.log");
        assertEquals(0, Processes.run(log2, 600, "gradstudy", "run", study.toString(), "--warehouse", wh.toString(),
                "--commit-every", "2"), Files.readString(log2));
        assertTrue(Files.readString(log2).contains("24 trials planned, " ), Files.readString(log2));

        Path reference = dir.resolve("reference");
        RunJob.run(spark, StudyParser.parse(study), new Warehouse(reference.toString()));
        Processes.assertSameTables(spark, reference, wh, "dk");
        assertEquals(24L, spark.sql("SELECT count(*) FROM parquet.`" + wh.resolve("trials") + "`").first().getLong(0));
    }
}
