package org.gradstudy.jobs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gradstudy sql} and {@code gradstudy ddl} as a user runs them: output, exit codes, messages. */
class SqlCommandTest {
    static Warehouse wh;
    @TempDir Path dir;

    @BeforeAll static void warehouse() { wh = TinyWarehouse.get(); }

    record Out(int code, String out, String err) {}

    static Out exec(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true));
        try {
            CommandLineTest.Result r = CommandLineTest.exec(args);
            return new Out(r.code(), buf.toString(), r.err());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void printsAQueryResult() {
        Out o = exec("sql", "--warehouse", wh.root(), "SELECT study, count(*) AS trials FROM trials GROUP BY study ORDER BY study");
        assertEquals(0, o.code(), o.err());
        assertEquals("""
                study    trials
                -------  ------
                2024          1
                sqltest      16
                (2 rows)
                """, o.out());
    }

    @Test
    void badSqlExits2WithSparksMessageAndTheViews() {
        Out o = exec("sql", "--warehouse", wh.root(), "SELECT status, count(*) FROM trials GROUP BY stauts");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("gradstudy: query: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
                + "`stauts` cannot be resolved."), o.err());
        assertTrue(o.err().contains("; line 1 pos 45"), o.err());
        assertTrue(o.err().endsWith("gradstudy: views: claims, depth_summary, layer_profile, layer_stats, runs, technique_depth, technique_effects, theory, trial_metrics, trials (warehouse " + wh.root() + ")\n"), o.err());
        assertEquals("", o.out());
    }

    @Test
    void aNamedQueryWritesCsv() throws Exception {
        Path csv = dir.resolve("slow.csv");
        Out o = exec("sql", "--warehouse", wh.root(), "--query", "slowest_trials", "--format", "csv", "--out", csv.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals("wrote 17 rows to " + csv + " (csv)\n", o.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("study,trial_id,activation,init,normalization,residual_every,depth,width,optimizer,status,steps_run,wall_ms,"
                + "ms_per_step,executor", lines.get(0));
        assertEquals(18, lines.size());
        // Exists now: exit 2 before Spark starts, the file untouched.
        Out again = exec("sql", "--warehouse", wh.root(), "--query", "slowest_trials", "--format", "csv", "--out", csv.toString());
        assertEquals(2, again.code());
        assertEquals("gradstudy: --out " + csv + " already exists; remove it, choose another path or pass --overwrite\n", again.err());
        assertEquals(lines, Files.readAllLines(csv));
    }

    @Test
    void badInputExits2BeforeSparkStarts() throws Exception {
        String w = wh.root();
        assertEquals("gradstudy: give exactly one of: the SQL, --file FILE or --query NAME (named queries: gradstudy sql --list)\n",
                exec("sql", "--warehouse", w).err());
        assertEquals(2, exec("sql", "--warehouse", w, "SELECT 1", "--query", "run_history").code());
        assertEquals("gradstudy: unknown --format 'json'; allowed: table, csv, parquet\n", exec("sql", "--warehouse", w, "--format", "json", "SELECT 1").err());
        assertEquals("gradstudy: --format parquet needs --out PATH\n", exec("sql", "--warehouse", w, "--format", "parquet", "SELECT 1").err());
        assertEquals("gradstudy: SQL file " + dir.resolve("nope.sql") + " not found\n",
                exec("sql", "--warehouse", w, "--file", dir.resolve("nope.sql").toString()).err());
        Out unknown = exec("sql", "--warehouse", w, "--query", "nope");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no named query 'nope'") && unknown.err().contains("named queries: claim_verdicts, deepest_alive_depth, deepest_trainable_depth,"), unknown.err());
        Out missing = exec("sql", "--warehouse", dir.resolve("none").toString(), "SELECT 1");
        assertEquals(2, missing.code());
        assertEquals("gradstudy: warehouse " + dir.resolve("none") + " does not exist; pass --warehouse with the directory "
                + "`gradstudy run` wrote its tables to\n", missing.err());
        Files.createDirectories(dir.resolve("empty"));
        Out empty = exec("sql", "--warehouse", dir.resolve("empty").toString(), "SELECT 1");
        assertEquals(2, empty.code());
        assertTrue(empty.err().startsWith("gradstudy: warehouse " + dir.resolve("empty") + " holds no tables"), empty.err());
        assertEquals(2, exec("sql", "--warehouse", w, "--limit", "-1", "SELECT 1").code());
    }

    @Test
    void listsTheNamedQueriesAndPrintsTheDdl() {
        Out list = exec("sql", "--list");
        assertEquals(0, list.code());
        for (String n : List.of("deepest_trainable_depth", "divergence_at_highest_lr", "grad_norm_by_layer_at_init", "run_history", "slowest_trials"))
            assertTrue(list.out().contains("\n" + n + " ") || list.out().startsWith(n + " "), n + " in\n" + list.out());
        assertTrue(list.out().startsWith("claim_verdicts               Which textbook claims hold"), list.out());
        Out ddl = exec("ddl");
        assertEquals(0, ddl.code());
        assertEquals(Tables.ddl(), ddl.out());
        assertFalse(ddl.out().isEmpty());
    }
}
