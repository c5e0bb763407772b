package org.gradstudy.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Helpers for the integration tests: the built distribution, child processes, table comparison. */
final class Processes {
    static final Path DIST = Path.of(System.getProperty("gradstudy.dist", "target/gradstudy"));

    private Processes() {}

    /** Starts {@code DIST/bin/<command> args...}, output to {@code log}. */
    static Process start(Path log, String command, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", DIST.resolve("bin").resolve(command).toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    /** Runs to completion (or fails the test after {@code seconds}); returns the exit code. */
    static int run(Path log, int seconds, String command, String... args) throws Exception {
        Process p = start(log, command, args);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + seconds + " s; log: " + Files.readString(log));
        }
        return p.exitValue();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Committed trials files of a study so far. */
    static long committedBatches(Path warehouse, String study) throws IOException {
        Path p = warehouse.resolve("trials").resolve("study=" + study);
        if (!Files.isDirectory(p)) return 0;
        try (var s = Files.list(p)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
        }
    }

    /**
     * Asserts two warehouses hold the same rows for a study: trials without the timing and placement
     * columns (wall_ms, executor, versions), and layer_stats entirely. Multisets: EXCEPT ALL both ways.
     */
    static void assertSameTables(SparkSession spark, Path expected, Path actual, String study) {
        for (String table : List.of("trials", "layer_stats")) {
            Dataset<Row> a = read(spark, expected, table, study), b = read(spark, actual, table, study);
            assertEquals(a.count(), b.count(), table + " row count");
            assertEquals(0, a.exceptAll(b).count(), table + ": rows only in " + expected);
            assertEquals(0, b.exceptAll(a).count(), table + ": rows only in " + actual);
        }
    }

    private static Dataset<Row> read(SparkSession spark, Path wh, String table, String study) {
        Dataset<Row> d = spark.read().parquet(wh.resolve(table).toString()).where("study = '" + study + "'");
        return table.equals("trials") ? d.drop("wall_ms", "executor", "versions") : d;
    }

    /** pids of the executor JVMs launched from this distribution's SPARK_HOME. */
    static List<ProcessHandle> executors() {
        String home = DIST.resolve("spark-home").toString();
        return ProcessHandle.allProcesses().filter(p -> {
            String c = ExecutorJvm.commandLine(p);
            return c.contains("CoarseGrainedExecutorBackend") && c.contains(home);
        }).toList();
    }

    static String path(Path p) { return p.toAbsolutePath().toString().replace(File.separatorChar, '/'); }
}
