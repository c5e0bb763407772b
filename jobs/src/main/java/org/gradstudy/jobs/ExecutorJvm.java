package org.gradstudy.jobs;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;

/**
 * A session whose one executor is a JVM of its own, as on a cluster: Spark's {@code local-cluster} master
 * (master and worker inside this JVM) launches it as this JVM's child process. The bench's rss section
 * samples that process, so the figure is the executor's alone: the driver's own memory (its status store,
 * listener bus, planning) is not in it.
 *
 * <p>The executor runs with the options of {@code conf/spark-defaults.conf} (the cluster executors': the
 * parallel collector, the ND4J JIT exclusion), on the driver's class path, with its heap fixed and touched
 * at start ({@code -Xms} = {@code -Xmx} = {@link #HEAP_MB} MB, {@code -XX:+AlwaysPreTouch}): the heap's
 * pages are resident from the first sample on, so the RSS moves only with the memory outside the heap,
 * where ND4J allocates, and a leak there cannot hide behind the collector growing its heap.
 */
final class ExecutorJvm {
    static final int HEAP_MB = 1024;
    private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

    private ExecutorJvm() {}

    /** A session named {@code appName} with one executor JVM of {@code cores} cores. */
    static SparkSession session(String appName, int cores) {
        requireSparkHome(System.getenv("SPARK_HOME"), System.getenv("SPARK_SCALA_VERSION"));
        String options = executorOptions() + " -Xms" + HEAP_MB + "m -XX:+AlwaysPreTouch";
        // The worker's memory leaves room over the executor's heap: Spark refuses an executor larger than its worker.
        SparkSession spark = Sessions.create(appName, "local-cluster[1," + cores + "," + (HEAP_MB + 512) + "]", false, Map.of(
                "spark.executor.memory", HEAP_MB + "m",
                "spark.executor.cores", Integer.toString(cores),
                "spark.executor.extraClassPath", System.getProperty("java.class.path"),
                "spark.executor.extraJavaOptions", options,
                "spark.executorEnv.OMP_NUM_THREADS", "1"));
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /**
     * Spark's worker launches executors from a SPARK_HOME with jars/ and needs SPARK_SCALA_VERSION to build
     * their command line, both from the environment: without them every launch fails and the master retries.
     */
    static void requireSparkHome(String sparkHome, String scalaVersion) {
        if (sparkHome == null || !Files.isDirectory(Path.of(sparkHome, "jars")) || !"2.12".equals(scalaVersion))
            throw new BadInputException("the executor JVM (Spark's local-cluster master) needs SPARK_HOME naming a folder with jars/ "
                    + "and SPARK_SCALA_VERSION=2.12 in the environment; bin/gradstudy sets both (SPARK_HOME is "
                    + (sparkHome == null ? "unset" : sparkHome) + ", SPARK_SCALA_VERSION " + (scalaVersion == null ? "unset" : scalaVersion) + ")");
    }

    /** The executor options of the installation's {@code conf/spark-defaults.conf} ({@link Installation}). */
    static String executorOptions() {
        Path file = Installation.conf("spark-defaults.conf");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read the executors' JVM options (spark.executor.extraJavaOptions): " + e.getMessage()
                    + "; run through bin/gradstudy, which sets gradstudy.home to the installation");
        }
        String options = p.getProperty("spark.executor.extraJavaOptions");
        if (options == null) throw new BadInputException(file + ": no spark.executor.extraJavaOptions (the executors' JVM options)");
        return options.trim();
    }

    private static boolean isExecutor(ProcessHandle p) { return commandLine(p).contains(EXECUTOR_MAIN); }

    /**
     * The command line of {@code p} from /proc, arguments separated by spaces, or "" if unreadable.
     * ProcessHandle.Info leaves it out when it is as long as an executor's (its class path).
     */
    static String commandLine(ProcessHandle p) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            return new String(b, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The executor's process id, waiting up to {@code timeoutMs} for the worker to have launched it. */
    static long pid(long timeoutMs) {
        long until = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            Optional<ProcessHandle> executor = ProcessHandle.current().descendants().filter(ExecutorJvm::isExecutor).findFirst();
            if (executor.isPresent()) return executor.get().pid();
            if (System.nanoTime() > until) throw new IllegalStateException("no executor process (" + EXECUTOR_MAIN + ") among this JVM's children after " + timeoutMs + " ms");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the executor process", e);
            }
        }
    }
}
