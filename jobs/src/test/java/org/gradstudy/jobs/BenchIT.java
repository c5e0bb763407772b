package org.gradstudy.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's rss section from the distribution: its executor is a JVM of its own, sampled, and gone after. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BenchIT {
    @TempDir Path dir;

    @Test
    void rssSectionSamplesAnExecutorJvmOfItsOwn() throws Exception {
        Path log = dir.resolve("bench.log");
        assertEquals(0, Processes.run(log, 280, "gradstudy", "bench", "--only", "rss", "--quick", "--rss-trials", "20",
                "--work", dir.resolve("work").toString()), () -> read(log));
        String out = read(log);
        assertTrue(out.contains("over 20 tiny trials (depth 2, width 16, 20 steps), after 40 untimed ones"), out);
        // A sample: trials done, then the executor's RSS, which holds its whole pre-touched 1024 MB heap.
        Matcher m = Pattern.compile("(?m)^ +(\\d+) +(\\d+) +(\\d+)$").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Long.parseLong(m.group(2)) >= ExecutorJvm.HEAP_MB, "RSS " + m.group(2) + " MB: the heap was not touched at start");
        assertTrue(Long.parseLong(m.group(3)) > 10, "threads " + m.group(3));
        assertTrue(out.contains("flat executor RSS over 20 trials"), out);
        assertTrue(Processes.executors().isEmpty(), "an executor JVM outlived the bench");
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
