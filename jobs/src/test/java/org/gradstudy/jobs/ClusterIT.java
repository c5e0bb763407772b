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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spark-submit jar on a standalone cluster (a master and two workers, separate JVMs on 127.0.0.1,
 * started by bin/local-cluster), in client mode: the trials run in two executor JVMs and the tables
 * equal a local-mode run's; an executor killed mid-study costs nothing but time.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ClusterIT {
    @TempDir static Path dir;
    static SparkSession spark;
    static Path cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = dir.resolve("cluster");
        int code = Processes.run(dir.resolve("start.log"), 120, "local-cluster", "start", "--dir", cluster.toString(),
                "--port", String.valueOf(Processes.freePort()), "--ui-port", String.valueOf(Processes.freePort()));
        assertEquals(0, code, Files.readString(dir.resolve("start.log")));
        spark = SparkTestSession.create("ClusterIT");
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) spark.stop();
        Processes.run(dir.resolve("stop.log"), 120, "local-cluster", "stop", "--dir", cluster.toString());
    }

    static Path study(String name, String body) throws Exception {
        return Files.writeString(dir.resolve(name + ".conf"), "name = " + name + "\nseed = 11\n" + body);
    }

    /** The same study run in this JVM on local[2]: the reference. */
    static Path reference(Path study, String name) {
        Path wh = dir.resolve("local-" + name);
        RunJob.run(spark, StudyParser.parse(study), new Warehouse(wh.toString()));
        return wh;
    }

    @Test
    void clusterRunEqualsLocalRunAndUsesTwoExecutors() throws Exception {
        Path study = study("cl", "replicates = 2\naxes { activation = [relu, tanh], depth = [2, 5], width = [16] }\n"
                + "training { steps = 20, batch-size = 16, samples = 256 }\nprobe { every = 5 }\n");
        Path wh = dir.resolve("wh-cl");
        Path log = dir.resolve("submit-cl.log");
        assertEquals(0, Processes.run(log, 600, "local-cluster", "submit", "--dir", cluster.toString(), "--",
                "run", study.toString(), "--warehouse", wh.toString()), Files.readString(log));
        List<String> executors = spark.sql("SELECT DISTINCT executor FROM parquet.`" + wh.resolve("trials") + "`")
                .collectAsList().stream().map(r -> r.getString(0)).toList();
        assertTrue(executors.size() >= 2, "trials ran in " + executors);
        assertTrue(executors.stream().noneMatch(e -> e.startsWith("driver@")), "not on the driver: " + executors);
        Processes.assertSameTables(spark, reference(study, "cl"), wh, "cl");
    }

    @Test
    void aKilledExecutorCostsOnlyTimeEveryTrialExactlyOnce() throws Exception {
        Path study = study("ek", "replicates = 4\naxes { activation = [relu, sigmoid], depth = [3, 6], width = [32] }\n"
                + "training { steps = 300, batch-size = 32, samples = 512 }\nprobe { every = 50 }\n");
        Path wh = dir.resolve("wh-ek");
        Path log = dir.resolve("submit-ek.log");
        Process submit = Processes.start(log, "local-cluster", "submit", "--dir", cluster.toString(), "--",
                "run", study.toString(), "--warehouse", wh.toString(), "--commit-every", "4");
        // Wait until trials are being trained, then SIGKILL one executor JVM.
        long deadline = System.currentTimeMillis() + 180_000;
        while (Processes.committedBatches(wh, "ek") < 1 && System.currentTimeMillis() < deadline && submit.isAlive())
            Thread.sleep(200);
        List<ProcessHandle> executors = Processes.executors();
        assertTrue(!executors.isEmpty(), "no executor JVM found; log: " + Files.readString(log));
        assertTrue(executors.get(0).destroyForcibly(), "SIGKILL sent");
        assertTrue(submit.waitFor(600, TimeUnit.SECONDS), "submit finished");
        assertEquals(0, submit.exitValue(), Files.readString(log));
        assertEquals(16L, spark.sql("SELECT count(DISTINCT trial_id) FROM parquet.`" + wh.resolve("trials") + "`").first().getLong(0));
        Processes.assertSameTables(spark, reference(study, "ek"), wh, "ek");
    }
}
