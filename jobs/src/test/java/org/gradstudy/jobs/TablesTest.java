package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.gradstudy.study.Axis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table catalogue: comments on every column, conf/sql/tables.sql equal to it, and that DDL working in Spark. */
class TablesTest {
    static SparkSession spark;

    @BeforeAll static void start() { spark = SparkTestSession.create("TablesTest"); }

    @AfterAll static void stop() { spark.stop(); }

    static Path tablesSql() {
        return Path.of(System.getProperty("gradstudy.home", ".."), "conf", "sql", "tables.sql");
    }

    @Test
    void everyColumnOfEveryTableHasAOneLineCommentAndAxesTheirDoc() {
        assertEquals(List.of("trials", "layer_stats", "runs", "depth_summary", "boundaries", "trial_metrics", "technique_depth", "layer_profile", "technique_effects", "theory", "claims"), Tables.ALL.stream().map(Tables.Table::name).toList());
        for (Tables.Table t : Tables.ALL) {
            for (StructField f : t.schema().fields()) {
                String c = Columns.comment(f);
                assertNotNull(c, t.name() + "." + f.name());
                assertFalse(c.isBlank() || c.contains("\n"), t.name() + "." + f.name());
            }
            for (Axis a : Axis.ordered()) {
                if (!t.schema().getFieldIndex(a.column()).isDefined()) continue; // runs
                String c = Columns.comment(t.schema().apply(a.column()));
                assertTrue(c.startsWith("axis " + a.key() + ": " + a.doc()), t.name() + "." + a.column() + ": " + c);
            }
            assertEquals(Columns.STUDY_COMMENT, Columns.comment(t.schema().apply(Tables.PARTITION)));
        }
        StructType bare = new StructType().add(Tables.PARTITION, DataTypes.StringType).add("x", DataTypes.IntegerType);
        assertEquals("t.study has no comment", assertThrows(IllegalArgumentException.class, () -> new Tables.Table("t", bare, "d")).getMessage());
    }

    @Test
    void theCommittedDdlIsTheOneTheCodeGenerates() throws Exception {
        assertEquals(Tables.ddl(), Files.readString(tablesSql()),
                "conf/sql/tables.sql is stale: regenerate it with `jobs/target/gradstudy/bin/gradstudy ddl > conf/sql/tables.sql`");
    }

    @Test
    void theDdlRegistersEveryTableInSparkWithItsCommentsAndItsRows() throws Exception {
        Warehouse wh = TinyWarehouse.get(spark);
        List<String> present = SqlJob.tables(wh, spark.sparkContext().hadoopConfiguration());
        assertEquals(List.of("claims", "depth_summary", "layer_profile", "layer_stats", "runs", "technique_depth", "technique_effects", "theory", "trial_metrics", "trials"), present);
        // What spark-sql -d warehouse=... does: the variable goes into the session conf, substituted in the SQL.
        spark.conf().set("warehouse", wh.root());
        List<String> failed = new ArrayList<>();
        try {
            for (SqlJob.Statement s : SqlJob.split(Files.readString(tablesSql()))) {
                try {
                    spark.sql(s.text());
                } catch (Exception e) { // what spark-sql --hiveconf hive.cli.errors.ignore=true goes on past
                    failed.add(s.text());
                }
            }
        } finally {
            spark.conf().unset("warehouse");
        }
        // Only the repair of a table without a directory fails (the table itself is registered, empty).
        assertEquals(Tables.ALL.stream().filter(t -> !present.contains(t.name()))
                .map(t -> "MSCK REPAIR TABLE " + Tables.DATABASE + "." + t.name()).toList(), failed);
        for (Tables.Table t : Tables.ALL) {
            String table = Tables.DATABASE + "." + t.name();
            // Every column with the catalogue's type and comment, the partition column last.
            List<String> want = new ArrayList<>(), have = new ArrayList<>();
            for (StructField f : t.schema().fields()) if (!f.name().equals(Tables.PARTITION)) want.add(describe(f));
            want.add(describe(t.schema().apply(Tables.PARTITION)));
            for (StructField f : spark.table(table).schema().fields()) have.add(describe(f));
            assertEquals(want, have, table);
            assertEquals(t.description(), spark.sql("DESCRIBE TABLE EXTENDED " + table).where("col_name = 'Comment'")
                    .first().getString(1));
            if (!present.contains(t.name())) { // boundaries: no search was run; the table is empty
                assertEquals(0L, spark.table(table).count(), table);
                continue;
            }
            List<String> onDisk;
            try (var dirs = Files.list(Path.of(wh.table(t.name())))) {
                onDisk = dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("study=")).sorted().toList();
            }
            assertEquals(List.of("study=2024", "study=sqltest"), onDisk);
            assertEquals(onDisk, spark.sql("SHOW PARTITIONS " + table).collectAsList().stream().map(r -> r.getString(0)).sorted().toList(),
                    table + ": MSCK REPAIR TABLE registered every study");
            assertEquals(spark.read().parquet(wh.table(t.name())).count(), spark.table(table).count(), table);
        }
        assertEquals(16L, spark.sql("SELECT count(*) FROM gradstudy.trials WHERE study = 'sqltest'").first().getLong(0));
        assertEquals(1L, spark.sql("SELECT count(*) FROM gradstudy.trials WHERE study = '2024'").first().getLong(0));
    }

    static String describe(StructField f) {
        return f.name() + " " + f.dataType().sql() + " " + Columns.comment(f);
    }

    @Test
    void tablesWrittenCarryTheCommentsAndTheCatalogueTypes() {
        Warehouse wh = TinyWarehouse.get(spark);
        for (String name : List.of(TrialsTable.NAME, LayerStatsTable.NAME, RunsTable.NAME, DepthSummary.NAME)) {
            StructType catalogued = Tables.find(name).orElseThrow().schema();
            StructType read = spark.read().parquet(wh.table(name)).schema();
            List<String> want = new ArrayList<>(), have = new ArrayList<>();
            for (StructField f : catalogued.fields()) if (!f.name().equals(Tables.PARTITION)) want.add(describe(f));
            want.add(Tables.PARTITION + " STRING null"); // from the directory names: no comment
            for (StructField f : read.fields()) have.add(describe(f));
            assertEquals(want, have, name);
        }
    }
}
