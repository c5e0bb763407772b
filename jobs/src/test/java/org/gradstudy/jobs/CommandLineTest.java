package org.gradstudy.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input exits 2 with one clear message and writes nothing; no Spark session is started. */
class CommandLineTest {
    @TempDir Path dir;

    record Result(int code, String err) {}

    static Result exec(String... args) {
        CommandLine cmd = Gradstudy.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        cmd.setOut(new PrintWriter(new StringWriter()));
        return new Result(cmd.execute(args), err.toString());
    }

    @Test
    void malformedStudyExits2NamingFileLineAndKey() throws Exception {
        Path study = dir.resolve("bad.conf");
        Files.writeString(study, "name = bad\naxes {\n  activation = [relu, swish]\n}\n");
        Path wh = dir.resolve("wh");
        Result r = exec("run", study.toString(), "--warehouse", wh.toString());
        assertEquals(2, r.code());
        assertEquals("gradstudy: " + study + ":3: axes.activation: unknown value 'swish'; allowed: one of sigmoid, tanh, "
                + "relu, leaky-relu, prelu, rrelu, elu, selu, identity\n", r.err());
        assertFalse(Files.exists(wh), "nothing written");
    }

    @Test
    void missingStudyFileExits2() {
        Result r = exec("run", dir.resolve("nope.conf").toString(), "--warehouse", dir.resolve("wh").toString());
        assertEquals(2, r.code());
        assertEquals("gradstudy: " + dir.resolve("nope.conf") + ": study file not found\n", r.err());
    }

    @Test
    void warehouseThatIsAFileExits2() throws Exception {
        Path study = dir.resolve("ok.conf");
        Files.writeString(study, "axes.depth = [2]\n");
        Path file = Files.writeString(dir.resolve("afile"), "x");
        Result r = exec("run", study.toString(), "--warehouse", file + "/wh");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is a file, not a directory; pass --warehouse with a directory path"), r.err());
    }

    @Test
    void unknownOptionAndMissingArgumentAreUsageErrors() {
        assertEquals(2, exec("run", "--warehous", "x").code());
        assertEquals(2, exec("run").code());
        assertEquals(2, exec("frobnicate").code());
    }

    @Test
    void keysListsEverySettingAndAxis() {
        String table = KeysCommand.table();
        for (var s : org.gradstudy.study.Setting.values()) assertTrue(table.contains("`" + s.path() + "`"), s.path());
        for (var a : org.gradstudy.study.Axis.values()) assertTrue(table.contains("`axes." + a.key() + "`"), a.key());
    }
}
