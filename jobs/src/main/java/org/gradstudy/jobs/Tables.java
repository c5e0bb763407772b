package org.gradstudy.jobs;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * The catalogue of the warehouse's tables: each table's name, schema (every column with its one-line
 * comment) and description. {@code conf/sql/tables.sql} is generated from it ({@code gradstudy ddl}) and a
 * test keeps the two equal. A new table is one more entry in {@link #ALL}.
 */
public final class Tables {
    /** The partition column of every table. */
    public static final String PARTITION = TrialsTable.STUDY;

    /** The database conf/sql/tables.sql registers the tables in. */
    public static final String DATABASE = "gradstudy";

    /**
     * One table: directory {@code <warehouse>/<name>/study=<study>/}. Every column must carry a one-line
     * comment and the schema a string {@code study} column (the partition column).
     */
    public record Table(String name, StructType schema, String description) {
        public Table {
            if (!name.matches("[a-z][a-z0-9_]*")) throw new IllegalArgumentException("table name must be lower_snake_case: " + name);
            check(name, description);
            boolean partitioned = false;
            for (StructField f : schema.fields()) {
                check(name + "." + f.name(), Columns.comment(f));
                if (f.name().equals(PARTITION) && f.dataType().equals(DataTypes.StringType)) partitioned = true;
            }
            if (!partitioned) throw new IllegalArgumentException("table " + name + " has no string column " + PARTITION);
        }

        private static void check(String what, String comment) {
            if (comment == null || comment.isBlank()) throw new IllegalArgumentException(what + " has no comment");
            // One line; and no ${: spark-sql would substitute it in the DDL.
            if (comment.contains("\n") || comment.contains("${"))
                throw new IllegalArgumentException(what + ": a comment is one line without '${': " + comment);
        }
    }

    /** Every table gradstudy writes, in the order of the DDL. */
    public static final List<Table> ALL = List.of(
            new Table(TrialsTable.NAME, TrialsTable.SCHEMA,
                    "one row per trial: axis values, settings, status, final metrics and provenance"),
            new Table(LayerStatsTable.NAME, LayerStatsTable.SCHEMA,
                    "one row per trial, recorded step, layer and parameter tensor: gradient, parameter, update and activation statistics"),
            new Table(RunsTable.NAME, RunsTable.SCHEMA,
                    "one row per run command: trial counts by status, exit status and times"),
            new Table(DepthSummary.NAME, DepthSummary.SCHEMA,
                    "per study and combination of axis values: gradient depth attenuation and outcome rates across seeds, recomputed after every run"),
            new Table(SearchJob.NAME, SearchJob.SCHEMA,
                    "per study and combination of the other axes: where a boundary search found the step-0 attenuation crossing 0"),
            new Table(AggregateJob.TRIAL_METRICS, AggregateTables.TRIAL_METRICS,
                    "one row per trial: attenuations, relative gradient and the vanishing / exploding / diverged verdicts"),
            new Table(AggregateJob.TECHNIQUE_DEPTH, AggregateTables.TECHNIQUE_DEPTH,
                    "long form, per axis, value and depth: attenuation percentiles and outcome rates across trials"),
            new Table(AggregateJob.LAYER_PROFILE, AggregateTables.LAYER_PROFILE,
                    "per axis, value, depth, layer, tensor and phase: gradient norm and update ratio across trials"),
            new Table(AggregateJob.TECHNIQUE_EFFECTS, AggregateTables.TECHNIQUE_EFFECTS,
                    "matched pairs per axis, value, baseline and depth: paired differences with 95% bootstrap intervals"),
            new Table(AggregateJob.THEORY, AggregateTables.THEORY,
                    "mean-field prediction of the per-layer gradient factor beside the measured one at step 0"),
            new Table(AggregateJob.CLAIMS, AggregateTables.CLAIMS,
                    "the seven textbook claims with the evidence rows of the study and a verdict"));

    private Tables() {}

    /** The catalogued table {@code name}, if any. */
    public static Optional<Table> find(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * {@code rows} with exactly {@code schema}'s column names and types, in order, carrying its comments.
     * For tables computed by SQL: a drift between the SQL and the catalogue fails here, before anything
     * is written.
     */
    static Dataset<Row> conform(Dataset<Row> rows, StructType schema) {
        StructField[] have = rows.schema().fields();
        StructField[] want = schema.fields();
        List<String> diff = new ArrayList<>();
        for (int i = 0; i < Math.max(have.length, want.length); i++) {
            String h = i < have.length ? have[i].name() + " " + have[i].dataType().sql() : "(none)";
            String w = i < want.length ? want[i].name() + " " + want[i].dataType().sql() : "(none)";
            if (!h.equals(w)) diff.add("column " + (i + 1) + ": computed " + h + ", catalogued " + w);
        }
        if (!diff.isEmpty())
            throw new IllegalStateException("computed columns differ from the table's schema: " + String.join("; ", diff));
        List<Column> cols = new ArrayList<>();
        for (StructField f : want) cols.add(col(f.name()).as(f.name(), f.metadata()));
        return rows.select(cols.toArray(Column[]::new));
    }

    /**
     * {@code rows} of table {@code name} with the catalogue's comment on each column it knows (files written
     * before a comment existed, and the partition column, have none of their own). Order and types unchanged.
     */
    static Dataset<Row> withComments(Dataset<Row> rows, String name) {
        Optional<Table> t = find(name);
        if (t.isEmpty()) return rows;
        List<Column> cols = new ArrayList<>();
        for (StructField f : rows.schema().fields()) {
            Optional<StructField> known = java.util.Arrays.stream(t.get().schema().fields()).filter(k -> k.name().equals(f.name())).findFirst();
            cols.add(known.isPresent() ? col(f.name()).as(f.name(), known.get().metadata()) : col(f.name()));
        }
        return rows.select(cols.toArray(Column[]::new));
    }

    /** The text of conf/sql/tables.sql: a CREATE TABLE and a MSCK REPAIR TABLE for every table. */
    public static String ddl() {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                -- The gradstudy tables for spark-sql or a Hive metastore: Parquet directories under a warehouse,
                -- <warehouse>/<table>/study=<name>/part-*.parquet, registered as tables partitioned by study.
                -- GENERATED by `gradstudy ddl` from the table schemas in the code (org.gradstudy.jobs.Tables);
                -- a unit test fails when this file differs. Do not edit: change the code and regenerate.
                --
                -- Register (the warehouse is a local path or a Hadoop URI such as hdfs://nn/gradstudy):
                --   spark-sql -d warehouse=/data/gradstudy --hiveconf hive.cli.errors.ignore=true -f conf/sql/tables.sql
                -- -d is short for --hivevar: spark-sql sets the variable and substitutes ${warehouse} below.
                -- hive.cli.errors.ignore: MSCK REPAIR TABLE fails for a table whose directory does not exist yet
                -- (boundaries before any boundary search), and spark-sql would stop there.
                -- Any other client: substitute the variable first, e.g.
                --   sed 's|${warehouse}|/data/gradstudy|g' conf/sql/tables.sql > /tmp/tables.sql
                -- MSCK REPAIR TABLE registers the study partitions found on disk: run it again for a table after
                -- a new study is written (a partitioned table shows only registered partitions).

                """);
        sb.append("CREATE DATABASE IF NOT EXISTS ").append(DATABASE)
                .append(" COMMENT 'gradstudy result tables, one Parquet directory per table, partitioned by study';\n");
        for (Table t : ALL) {
            List<StructField> cols = new ArrayList<>();
            StructField partition = null;
            for (StructField f : t.schema().fields()) {
                if (f.name().equals(PARTITION)) partition = f;
                else cols.add(f);
            }
            cols.add(partition); // Spark requires the partition columns last
            int nameWidth = cols.stream().mapToInt(f -> f.name().length()).max().orElse(0);
            int typeWidth = cols.stream().mapToInt(f -> f.dataType().sql().length()).max().orElse(0);
            sb.append("\nCREATE TABLE IF NOT EXISTS ").append(DATABASE).append('.').append(t.name()).append(" (\n");
            for (int i = 0; i < cols.size(); i++) {
                StructField f = cols.get(i);
                sb.append("  ").append(pad(f.name(), nameWidth)).append(' ').append(pad(f.dataType().sql(), typeWidth))
                        .append(" COMMENT ").append(literal(Columns.comment(f))).append(i < cols.size() - 1 ? ",\n" : "\n");
            }
            sb.append(")\nUSING parquet\nPARTITIONED BY (").append(PARTITION).append(")\n")
                    .append("LOCATION '${warehouse}/").append(t.name()).append("'\n")
                    .append("COMMENT ").append(literal(t.description())).append(";\n")
                    .append("MSCK REPAIR TABLE ").append(DATABASE).append('.').append(t.name()).append(";\n");
        }
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    /** A SQL string literal: Spark SQL and HiveQL escape quotes and backslashes with a backslash. */
    private static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
