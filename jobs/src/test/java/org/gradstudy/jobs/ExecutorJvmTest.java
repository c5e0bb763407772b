package org.gradstudy.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's executor JVM settings, without starting one (BenchIT starts one from the distribution). */
class ExecutorJvmTest {
    @TempDir Path dir;

    @Test
    void executorsGetTheClusterExecutorsOptionsOfTheInstallation() {
        // surefire sets gradstudy.home to the checkout: its conf/spark-defaults.conf is the one read.
        String options = ExecutorJvm.executorOptions();
        assertTrue(options.contains("-XX:CompileCommand=exclude,org/nd4j/linalg/cpu/nativecpu/ops/NativeOpExecutioner.exec("), options);
        assertTrue(options.startsWith("--add-modules=jdk.incubator.vector"), options);
    }

    @Test
    void aSparkHomeWithoutJarsIsRefusedNamingTheVariables() throws Exception {
        BadInputException e = assertThrows(BadInputException.class, () -> ExecutorJvm.requireSparkHome(dir.toString(), "2.12"));
        assertEquals("the executor JVM (Spark's local-cluster master) needs SPARK_HOME naming a folder with jars/ and "
                + "SPARK_SCALA_VERSION=2.12 in the environment; bin/gradstudy sets both (SPARK_HOME is " + dir + ", SPARK_SCALA_VERSION 2.12)",
                e.getMessage());
        Files.createDirectories(dir.resolve("jars"));
        ExecutorJvm.requireSparkHome(dir.toString(), "2.12");
        assertTrue(assertThrows(BadInputException.class, () -> ExecutorJvm.requireSparkHome(dir.toString(), null))
                .getMessage().endsWith("SPARK_SCALA_VERSION unset)"));
        assertTrue(assertThrows(BadInputException.class, () -> ExecutorJvm.requireSparkHome(null, "2.12"))
                .getMessage().contains("(SPARK_HOME is unset,"));
    }

    @Test
    void commandLinesAreReadFromProc() {
        String self = ExecutorJvm.commandLine(ProcessHandle.current());
        assertTrue(self.contains("java"), self);
    }
}
