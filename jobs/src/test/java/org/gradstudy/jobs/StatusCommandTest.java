package org.gradstudy.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a scheduler sees it: exit 3 while a study is partial, 0 once complete; status agrees. */
class StatusCommandTest {
    @TempDir Path dir;

    record Out(int code, String out) {}

    static Out exec(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true));
        try {
            return new Out(CommandLineTest.exec(args).code(), buf.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void partialThenCompleteAsExitCodesAndStatus() throws Exception {
        Path study = Files.writeString(dir.resolve("st.conf"), "replicates = 3\naxes { depth = [2], width = [8] }\n"
                + "training { steps = 3, batch-size = 8, samples = 64 }\n");
        String wh = dir.resolve("wh").toString();
        assertEquals(3, exec("run", study.toString(), "--warehouse", wh, "--max-trials", "2", "--master", "local[1]").code());
        Out partial = exec("status", study.toString(), "--warehouse", wh);
        assertEquals(3, partial.code());
        assertTrue(partial.out().contains("trials: 3 planned, 2 done (ok=2), 1 pending"), partial.out());
        assertTrue(partial.out().contains(": partial"), partial.out());
        assertEquals(0, exec("run", study.toString(), "--warehouse", wh, "--master", "local[1]").code());
        Out complete = exec("status", study.toString(), "--warehouse", wh);
        assertEquals(0, complete.code());
        assertTrue(complete.out().contains("trials: 3 planned, 3 done (ok=3), 0 pending"), complete.out());
        assertTrue(complete.out().contains("complete\n"), complete.out());
    }
}
