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

    @Test
    void planPrintsCountsExclusionsCoverageAndCost() throws Exception {
        Path study = dir.resolve("p.conf");
        Files.writeString(study, "axes { activation = [relu, selu], init = [he-normal, lecun-normal] }\nreplicates = 2\n"
                + "exclude = [ { activation = selu, init = { not = [lecun-normal] } } ]\n");
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(buf, true));
        int code;
        try {
            code = exec("plan", study.toString()).code();
        } finally {
            System.setOut(old);
        }
        String out = buf.toString();
        assertEquals(0, code);
        assertTrue(out.contains("grid: 8 trials (axes x replicates)\n"), out);
        assertTrue(out.contains("excluded: 2 trials by the rule at " + study + ":3 {activation in [selu], init not in [lecun-normal]}\n"), out);
        assertTrue(out.contains("trials: 6\n"), out);
        assertTrue(out.contains("  activation        relu: 4, selu: 2\n"), out);
        assertTrue(out.contains("estimated cost: "), out);
    }

    @Test
    void trialReplaysOneTrialAndExportsIt() throws Exception {
        Path study = dir.resolve("r.conf");
        Files.writeString(study, "axes { depth = [2], width = [8] }\ntraining { steps = 3, batch-size = 8, samples = 64 }\n");
        String id = org.gradstudy.study.Expander.expand(org.gradstudy.study.StudyParser.parse(study)).trials().get(0).trialId();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(buf, true));
        int code;
        try {
            code = exec("trial", study.toString(), id, "--export", dir.resolve("exp").toString()).code();
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, buf.toString());
        assertTrue(buf.toString().contains("trial " + id + " of study r"), buf.toString());
        assertTrue(buf.toString().contains("status: ok"), buf.toString());
        for (String f : new String[] {"x.npy", "y.npy", "params/h1_W.npy", "params/out_b.npy", "grads/h2_W.npy", "trial.txt"})
            assertTrue(Files.exists(dir.resolve("exp").resolve(f)), f);
        Result missing = exec("trial", study.toString(), "0000000000000000");
        assertEquals(2, missing.code());
        assertEquals("gradstudy: trial 0000000000000000 is not in " + study + " (1 trials); list them with: gradstudy plan "
                + study + " --list\n", missing.err());
    }
}
