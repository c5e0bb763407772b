package org.gradstudy.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sql job on a real warehouse: views, printing, files of statements, named queries, atomic output, bad SQL. */
class SqlJobTest {
    static SparkSession spark;
    static Warehouse wh;
    @TempDir Path dir;

    @BeforeAll static void start() {
        spark = SparkTestSession.create("SqlJobTest");
        wh = TinyWarehouse.get(spark);
    }

    @AfterAll static void stop() { spark.stop(); }

    static String run(SqlJob.Script script, SqlJob.Format format, String out, boolean overwrite, int limit) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SqlJob.run(spark, new SqlJob.Options(wh, script, format, out, overwrite, limit, 80), new PrintStream(buf, true, StandardCharsets.UTF_8));
        return buf.toString(StandardCharsets.UTF_8);
    }

    static String print(String sql) {
        return run(SqlJob.inline(sql), SqlJob.Format.TABLE, null, false, SqlJob.DEFAULT_LIMIT);
    }

    @Test
    void everyTableDirectoryIsAViewWithTheStudyColumn() {
        assertEquals(List.of("claims", "depth_summary", "layer_profile", "layer_stats", "runs", "technique_depth", "technique_effects", "theory", "trial_metrics", "trials"), SqlJob.registerViews(spark, wh));
        assertEquals("""
                study    trials  diverged
                -------  ------  --------
                2024          1         0
                sqltest      16         6
                (2 rows)
                """, print("SELECT study, count(*) AS trials, count(CASE WHEN status = 'diverged' THEN 1 END) AS diverged "
                + "FROM trials GROUP BY study ORDER BY study"));
        // DESCRIBE shows every column's comment, the partition column's included.
        for (Row r : spark.sql("DESCRIBE trials").collectAsList())
            assertEquals(Columns.comment(TrialsTable.SCHEMA.apply(r.getString(0))), r.getString(2), r.getString(0));
        assertEquals("""
                study    runs
                -------  ----
                2024        1
                sqltest     2
                (2 rows)
                """, print("SELECT study, count(*) AS runs FROM runs GROUP BY study ORDER BY study;"));
    }

    @Test
    void printsAnAlignedTableWithCompactNumbersAndNulls() {
        assertEquals("""
                name   n         x  missing          big   tiny  ok     at
                ----  --  --------  -------  -----------  -----  -----  -------------------
                a\\tb  -7  0.333333  NULL     1.23457e+08  1e-05  true   2024-01-02 03:04:05
                long   2         2  NULL            0.25      0  false  NULL
                (2 rows)
                """, print("""
                SELECT * FROM VALUES
                  ('a\\tb', -7, 1.0D / 3, CAST(NULL AS STRING), 123456789.0D, 1e-5D, true, TIMESTAMP '2024-01-02 03:04:05'),
                  ('long', 2, 2.0D, NULL, 0.25D, 0D, false, NULL)
                  AS t(name, n, x, missing, big, tiny, ok, at)
                ORDER BY n"""));
        assertEquals("0.1", SqlJob.compact(0.1));
        assertEquals("-0.000123457", SqlJob.compact(-0.000123456789));
        assertEquals("1.5e-300", SqlJob.compact(1.5e-300));
        assertEquals("NaN", SqlJob.compact(Double.NaN));
        assertEquals("-Infinity", SqlJob.compact(Double.NEGATIVE_INFINITY));
        assertEquals("2024-01-02 03:04:05.5", SqlJob.cell(java.sql.Timestamp.from(java.time.Instant.parse("2024-01-02T03:04:05.500Z")),
                ZoneId.of("UTC")));
    }

    @Test
    void limitsThePrintedRowsAndSaysSo() {
        String out = run(SqlJob.inline("SELECT id FROM range(5) ORDER BY id"), SqlJob.Format.TABLE, null, false, 3);
        assertEquals("""
                id
                --
                 0
                 1
                 2
                (first 3 rows shown; the result has more: raise --limit, or write it all with --format csv --out FILE)
                """, out);
        assertTrue(run(SqlJob.inline("SELECT id FROM range(5)"), SqlJob.Format.TABLE, null, false, 0).endsWith("(5 rows)\n"));
    }

    @Test
    void aFileRunsEachStatementAndPrintsEachResult() throws Exception {
        Path f = Files.writeString(dir.resolve("report.sql"), """
                -- a report; with a ; in a comment
                CREATE OR REPLACE TEMP VIEW deep AS SELECT * FROM trials WHERE depth = 6;
                SELECT count(*) AS n, 'a;b' AS s /* a block comment; */ FROM deep;
                SELECT DISTINCT activation FROM deep ORDER BY activation;
                -- trailing comment only
                """);
        assertEquals("""
                -- statement 2: SELECT count(*) AS n, 'a;b' AS s /* a block comment; */ FROM deep
                n  s
                -  ---
                8  a;b
                (1 row)

                -- statement 3: SELECT DISTINCT activation FROM deep ORDER BY activation
                activation
                ----------
                identity
                tanh
                (2 rows)
                """, run(SqlJob.file(f), SqlJob.Format.TABLE, null, false, 10));
    }

    @Test
    void splitKeepsQuotedAndCommentedSemicolonsAndCountsLines() {
        List<SqlJob.Statement> s = SqlJob.split("-- head; comment\nSELECT ';' AS a, \"\\\";\" AS b;\n\n  /* x; /* nested; */ */ SELECT 2\n;;\n-- end;\n");
        assertEquals(List.of(new SqlJob.Statement(1, 1, "-- head; comment\nSELECT ';' AS a, \"\\\";\" AS b"),
                new SqlJob.Statement(2, 4, "/* x; /* nested; */ */ SELECT 2")), s);
        assertEquals(List.of(new SqlJob.Statement(1, 1, "SELECT 1")), SqlJob.split("SELECT 1"));
        BadInputException e = assertThrows(BadInputException.class, () -> SqlJob.inline("  -- nothing;\n"));
        assertEquals("query: no SQL statement in it", e.getMessage());
    }

    @Test
    void badSqlIsBadInputWithSparksPositionAndTheViews() throws Exception {
        BadInputException parse = assertThrows(BadInputException.class, () -> print("SELECT depth FORM trials"));
        assertTrue(parse.getMessage().startsWith("query: [PARSE_SYNTAX_ERROR] Syntax error at or near 'trials'"), parse.getMessage());
        assertTrue(parse.getMessage().contains("(line 1, pos 18)"), parse.getMessage());
        assertTrue(parse.getMessage().endsWith("\nviews: claims, depth_summary, layer_profile, layer_stats, runs, technique_depth, technique_effects, theory, trial_metrics, trials (warehouse " + wh.root() + ")"), parse.getMessage());

        BadInputException column = assertThrows(BadInputException.class, () -> print("SELECT dpeth FROM trials"));
        assertTrue(column.getMessage().startsWith("query: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
                + "`dpeth` cannot be resolved. Did you mean one of the following? ["), column.getMessage());
        assertTrue(column.getMessage().contains("`depth`"), column.getMessage());
        assertTrue(column.getMessage().contains("; line 1 pos 7"), column.getMessage());
        assertFalse(column.getMessage().contains("Project"), "no query plan in the message: " + column.getMessage());

        BadInputException table = assertThrows(BadInputException.class, () -> print("SELECT * FROM trails"));
        assertTrue(table.getMessage().startsWith("query: [TABLE_OR_VIEW_NOT_FOUND] The table or view `trails` cannot be found."), table.getMessage());

        // A bad second statement: nothing printed, nothing written, its number and line named.
        Path f = Files.writeString(dir.resolve("bad.sql"), "SELECT 1;\n\nSELECT nope FROM runs;\n");
        Path out = dir.resolve("bad.csv");
        BadInputException second = assertThrows(BadInputException.class,
                () -> run(SqlJob.file(f), SqlJob.Format.CSV, out.toString(), false, 10));
        assertTrue(second.getMessage().startsWith(f + ", statement 2 (from line 3): [UNRESOLVED_COLUMN"), second.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of("bad.sql"), Files.list(dir).map(p -> p.getFileName().toString()).toList(), "no temporary output left");
    }

    @Test
    void csvAndParquetAreWrittenAtomicallyAndNeverOverAnExistingPath() throws Exception {
        String sql = "SELECT study, trial_id, depth, test_accuracy FROM trials ORDER BY study, trial_id";
        Path csv = dir.resolve("out/trials.csv");
        assertEquals("wrote 17 rows to " + csv + " (csv)\n", run(SqlJob.inline(sql), SqlJob.Format.CSV, csv.toString(), false, 10));
        List<String> lines = Files.readAllLines(csv);
        assertEquals("study,trial_id,depth,test_accuracy", lines.get(0));
        assertEquals(18, lines.size());
        assertTrue(lines.get(1).startsWith("2024,"), lines.get(1));
        assertEquals(List.of("trials.csv"), Files.list(dir.resolve("out")).map(p -> p.getFileName().toString()).toList(),
                "only the file: the temporary directory is gone");

        BadInputException exists = assertThrows(BadInputException.class,
                () -> run(SqlJob.inline("SELECT 1 AS x"), SqlJob.Format.CSV, csv.toString(), false, 10));
        assertEquals("--out " + csv + " already exists; remove it, choose another path or pass --overwrite", exists.getMessage());
        run(SqlJob.inline("SELECT 1 AS x"), SqlJob.Format.CSV, csv.toString(), true, 10);
        assertEquals(List.of("x", "1"), Files.readAllLines(csv));

        Path pq = dir.resolve("out/trials.parquet");
        assertEquals("wrote 17 rows to " + pq + " (parquet)\n", run(SqlJob.inline(sql), SqlJob.Format.PARQUET, pq.toString(), false, 10));
        Dataset<Row> back = spark.read().parquet(pq.toString());
        assertEquals(17L, back.count());
        assertEquals(spark.sql(sql).collectAsList(), back.orderBy("study", "trial_id").collectAsList());
        assertEquals(List.of("trials.csv", "trials.parquet"), Files.list(dir.resolve("out")).map(p -> p.getFileName().toString()).sorted().toList());
    }

    @Test
    void optionsAreCheckedBeforeAnythingRuns() {
        SqlJob.Script s = SqlJob.inline("SELECT 1");
        assertEquals("--format csv needs --out PATH",
                assertThrows(BadInputException.class, () -> new SqlJob.Options(wh, s, SqlJob.Format.CSV, null, false, 10, 80)).getMessage());
        assertEquals("--out is for --format csv or parquet; the table format prints",
                assertThrows(BadInputException.class, () -> new SqlJob.Options(wh, s, SqlJob.Format.TABLE, "x", false, 10, 80)).getMessage());
        assertEquals("unknown --format 'xml'; allowed: table, csv, parquet",
                assertThrows(BadInputException.class, () -> SqlJob.Format.parse("xml")).getMessage());
        assertEquals("warehouse " + dir.resolve("none") + " does not exist; pass --warehouse with the directory `gradstudy run` wrote its tables to",
                assertThrows(BadInputException.class, () -> SqlJob.tables(new Warehouse(dir.resolve("none").toString()),
                        new org.apache.hadoop.conf.Configuration())).getMessage());
    }

    @Test
    void anEmptyWarehouseIsBadInput() throws Exception {
        Files.createDirectories(dir.resolve("empty/_staging/x"));
        Files.createDirectories(dir.resolve("empty/trials/study=x"));
        String root = dir.resolve("empty").toString();
        assertEquals("warehouse " + root + " holds no tables (no directory of Parquet files such as trials/ or layer_stats/); "
                + "write them with: gradstudy run STUDY --warehouse " + root,
                assertThrows(BadInputException.class, () -> SqlJob.tables(new Warehouse(root), new org.apache.hadoop.conf.Configuration()))
                        .getMessage());
    }

    @Test
    void everyNamedQueryRunsAndItsHeaderNamesItsColumns() throws Exception {
        List<SqlJob.Named> named = SqlJob.list(SqlJob.queriesDir());
        assertEquals(List.of("claim_verdicts", "deepest_alive_depth", "deepest_trainable_depth", "divergence_at_highest_lr", "grad_norm_by_layer_at_init", "pair_effects", "run_history", "slowest_trials", "theory_vs_measured"), named.stream().map(SqlJob.Named::name).toList());
        SqlJob.registerViews(spark, wh);
        for (SqlJob.Named n : named) {
            String text = Files.readString(n.file());
            assertTrue(text.startsWith("-- "), n.name() + ": starts with its header comment");
            String header = text.lines().takeWhile(l -> l.startsWith("--")).reduce("", (a, b) -> a + "\n" + b);
            assertTrue(header.contains("Columns: "), n.name());
            SqlJob.Script script = SqlJob.named(SqlJob.queriesDir(), n.name());
            assertEquals(1, script.statements().size(), n.name());
            Dataset<Row> result = spark.sql(script.statements().get(0).text());
            for (String c : result.columns()) assertTrue(header.contains(c), n.name() + ": its header names column " + c);
            assertFalse(result.collectAsList().isEmpty(), n.name() + " has rows on the tiny warehouse");
        }
        // What the tiny study shows: at learning rate 1, global clipping halves the divergence of identity networks.
        spark.sql(SqlJob.named(SqlJob.queriesDir(), "divergence_at_highest_lr").statements().get(0).text())
                .createOrReplaceTempView("divergence");
        assertEquals("""
                study    clipping   trials  diverged  diverged_rate
                -------  ---------  ------  --------  -------------
                2024     none            1         0              0
                sqltest  global-l2       8         2           0.25
                sqltest  none            8         4            0.5
                (3 rows)
                """, print("SELECT study, clipping, trials, diverged, diverged_rate FROM divergence ORDER BY study, clipping"));
        BadInputException unknown = assertThrows(BadInputException.class, () -> SqlJob.named(SqlJob.queriesDir(), "nope"));
        assertTrue(unknown.getMessage().startsWith("no named query 'nope' in "), unknown.getMessage());
        assertTrue(unknown.getMessage().endsWith("; named queries: claim_verdicts, deepest_alive_depth, deepest_trainable_depth, divergence_at_highest_lr, grad_norm_by_layer_at_init, pair_effects, run_history, slowest_trials, theory_vs_measured"), unknown.getMessage());
    }
}
