package org.gradstudy.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus of malformed study files (src/test/resources/bad-studies, each ending with "# expect: ...")
 * and bad command lines: each exits 2 with a message naming the file, line and key and what is allowed,
 * and writes nothing to the warehouse.
 */
class BadInputTest {
    @TempDir Path dir;

    static Stream<Path> corpus() throws Exception {
        return Files.list(Path.of("src/test/resources/bad-studies")).filter(p -> p.toString().endsWith(".conf")).sorted();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void malformedStudyExits2WithFileLineKeyAndNothingWritten(Path study) throws Exception {
        List<String> lines = Files.readAllLines(study);
        String expect = lines.get(lines.size() - 1).replaceFirst("^# expect: ", "");
        Path wh = dir.resolve("wh");
        CommandLineTest.Result r = CommandLineTest.exec("run", study.toString(), "--warehouse", wh.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("gradstudy: " + study), r.err());
        assertTrue(r.err().contains(expect), "expected '" + expect + "' in: " + r.err());
        assertFalse(Files.exists(wh), "nothing written");
    }

    @Test
    void theCorpusHasAtLeastThirtyFiles() throws Exception {
        assertTrue(corpus().count() >= 30);
    }

    @Test
    void badCommandLinesExit2AndWriteNothing() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.conf"), "axes.depth = [2]\n");
        Path wh = dir.resolve("wh");
        String[][] bad = {
                {"run"},                                                     // missing study
                {"run", ok.toString(), "--warehous", wh.toString()},         // unknown option
                {"run", ok.toString(), "--max-trials", "-1", "--warehouse", wh.toString()},
                {"run", ok.toString(), "--max-trials", "many", "--warehouse", wh.toString()},
                {"run", ok.toString(), "--max-failure-rate", "2", "--warehouse", wh.toString()},
                {"run", dir.toString(), "--warehouse", wh.toString()},       // a directory, not a study
                {"run", dir.resolve("missing.conf").toString(), "--warehouse", wh.toString()},
                {"run", ok.toString(), "--warehouse", "/proc/gradstudy-warehouse"}, // unwritable
                {"frobnicate"},
                {"status"},
                {"trial", ok.toString()},
        };
        for (String[] args : bad) {
            CommandLineTest.Result r = CommandLineTest.exec(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertFalse(r.err().isBlank(), String.join(" ", args));
        }
        assertFalse(Files.exists(wh));
        assertEquals("gradstudy: " + dir + ": is a directory, not a study file\n",
                CommandLineTest.exec("run", dir.toString(), "--warehouse", wh.toString()).err());
        assertEquals("gradstudy: warehouse /proc/gradstudy-warehouse: directory file:/proc is not writable; pass --warehouse "
                + "with a writable directory\n", CommandLineTest.exec("run", ok.toString(), "--warehouse", "/proc/gradstudy-warehouse").err());
    }
}
