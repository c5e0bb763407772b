package org.gradstudy.jobs;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How results become visible, batch by batch, so a killed driver loses at most the batch in flight and
 * nobody ever sees half a batch. A batch is written by Spark into {@code <warehouse>/_staging/}, then its
 * files are renamed into the tables' study partitions: {@code layer_stats} files first, the batch's
 * single {@code trials} file last. That one rename is the commit: a trial is done exactly when its
 * {@code trials} row is visible. {@link #recover} removes what a killed run left: staging directories
 * and {@code layer_stats} files whose {@code trials} file never arrived.
 *
 * <p>Names: {@code trials/study=S/part-<key>.parquet} and {@code layer_stats/study=S/part-<key>-<n>.parquet}
 * with {@code key = <run>-<batch>-final} (ok, diverged) or {@code -failed} (failed, timeout). Failed and
 * timed-out trials live in their own files so {@code --retry-failed} can drop them whole.
 *
 * <p>One run per study at a time (a scheduler should serialize them, e.g. with flock).
 */
final class Commits {
    private static final Logger LOG = LoggerFactory.getLogger(Commits.class);

    private final SparkSession spark;
    private final Warehouse warehouse;
    private final String study;
    private final FileSystem fs;

    Commits(SparkSession spark, Warehouse warehouse, String study) {
        this.spark = spark;
        this.warehouse = warehouse;
        this.study = study;
        try {
            this.fs = new Path(warehouse.root()).getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path partition(String table) { return new Path(warehouse.table(table), TrialsTable.STUDY + "=" + study); }

    Path staging(String name) { return new Path(warehouse.root() + "/_staging/" + study + "/" + name); }

    /** Removes the leftovers of a killed run of this study. Returns the number of orphan files removed. */
    int recover() {
        try {
            Path st = new Path(warehouse.root() + "/_staging/" + study);
            if (fs.exists(st)) fs.delete(st, true);
            Set<String> committed = new HashSet<>();
            for (FileStatus f : list(partition(TrialsTable.NAME))) committed.add(key(f.getPath().getName(), false));
            int removed = 0;
            for (FileStatus f : list(partition(LayerStatsTable.NAME)))
                if (!committed.contains(key(f.getPath().getName(), true))) {
                    fs.delete(f.getPath(), false);
                    removed++;
                }
            if (removed > 0) LOG.info("study {}: removed {} layer_stats files of batches that never committed", study, removed);
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes this study's (empty) staging directory after a run. */
    void cleanup() {
        try {
            Path st = new Path(warehouse.root() + "/_staging/" + study);
            if (fs.exists(st)) fs.delete(st, true);
            Path root = new Path(warehouse.root() + "/_staging");
            if (fs.exists(root) && fs.listStatus(root).length == 0) fs.delete(root, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the failed/timeout files (trials first, then their stats), so those trials run again. */
    int dropRetryable() {
        try {
            int n = 0;
            for (FileStatus f : list(partition(TrialsTable.NAME)))
                if (f.getPath().getName().endsWith("-failed.parquet")) { fs.delete(f.getPath(), false); n++; }
            recover(); // their layer_stats are now orphans
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The committed rows of this study's {@code table}, or an empty frame. Read with the table's declared
     * {@code schema} (partition column included), so Spark does not infer it from a file's footer first:
     * that is one more Spark job and plan for every read (an aggregation reads ten).
     */
    Dataset<Row> read(String table, StructType schema) {
        try {
            if (!fs.exists(partition(table)) || list(partition(table)).isEmpty())
                return spark.createDataFrame(new ArrayList<>(), schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spark.read().schema(schema).parquet(warehouse.table(table)).where(org.apache.spark.sql.functions.col(TrialsTable.STUDY).equalTo(study));
    }

    /** Writes a group's {@code layer_stats} files into a staging directory and names the files to commit there. */
    @FunctionalInterface
    interface StatsFiles {
        List<Path> writeInto(String dir) throws IOException;
    }

    /** {@code stats} rows written by Spark's writer ({@link #writeLayerStats}): the files its commit protocol kept. */
    StatsFiles statsOf(Dataset<Row> stats) {
        return dir -> {
            writeLayerStats(stats.drop(TrialsTable.STUDY), dir);
            return parts(new Path(dir)).stream().map(FileStatus::getPath).toList();
        };
    }

    /** {@link #commit(String, Dataset, StatsFiles)} of rows written by Spark's writer (null: no statistics). */
    void commit(String key, Dataset<Row> trials, Dataset<Row> stats) {
        commit(key, trials, stats == null ? null : statsOf(stats));
    }

    /**
     * Writes one group of a batch: {@code stats} (may be null) then {@code trials} (one file), into
     * staging, then renames them into place, stats first. {@code key} names the group.
     */
    void commit(String key, Dataset<Row> trials, StatsFiles stats) {
        try {
            Path st = staging(key);
            List<Path> statsFiles = stats == null ? List.of() : stats.writeInto(new Path(st, "layer_stats").toString());
            trials.drop(TrialsTable.STUDY).coalesce(1).write().option("compression", CODEC).parquet(new Path(st, "trials").toString());
            fs.mkdirs(partition(LayerStatsTable.NAME));
            fs.mkdirs(partition(TrialsTable.NAME));
            int n = 0;
            for (Path f : statsFiles) rename(f, new Path(partition(LayerStatsTable.NAME), "part-" + key + "-" + (n++) + ".parquet"));
            List<FileStatus> t = parts(new Path(st, "trials"));
            if (t.size() != 1) throw new IllegalStateException("expected one trials file in " + st + ", got " + t.size());
            rename(t.get(0).getPath(), new Path(partition(TrialsTable.NAME), "part-" + key + ".parquet")); // the commit
            fs.delete(st, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This study's rows of a derived table written by {@link #replaceDerived} with {@code schema} (its study column included). */
    Dataset<Row> readDerived(String table, StructType schema) {
        return spark.read().schema(schema).parquet(warehouse.table(table)).where(org.apache.spark.sql.functions.col(TrialsTable.STUDY).equalTo(study));
    }

    /** Parquet codec of every file gradstudy writes: zstd is about a third smaller than Spark's default snappy here (README, Benchmarks). */
    static final String CODEC = "zstd";

    /**
     * Writes {@code layer_stats} rows (without the study column) as Parquet files under {@code dir} with Spark's
     * writer (a run's batches go through {@link LayerStatsWriter}, which writes the same layout),
     * compressed with {@link #CODEC}, in the order they come: a batch's rows arrive trial by trial, each
     * trial's by step, layer and parameter (the probe's order), so the per-step columns (loss, clip norms)
     * and the trial's axis columns already form the runs that dictionary and run-length encoding store
     * almost for free. (Sorting them again bought 0.1% in size and cost every commit a sort, whose 64 MB
     * memory pages the JVM allocates as humongous objects: 88 extra collections in a 100-trial run.) The
     * columns whose every row holds its own value ({@link LayerStatsTable#DISTINCT_DOUBLES}) are written
     * without a dictionary: Parquet would fill a dictionary with each of them, find at the end of the
     * file that it saves nothing and write the values plainly after all. The one place the table's writer
     * settings live.
     */
    static void writeLayerStats(Dataset<Row> stats, String dir) {
        DataFrameWriter<Row> w = stats.write().option("compression", CODEC);
        for (String c : LayerStatsTable.DISTINCT_DOUBLES) w = w.option("parquet.enable.dictionary#" + c, "false");
        w.parquet(dir);
    }

    /** Replaces this study's partition of a derived table (runs are appended instead). */
    void replaceDerived(String table, Dataset<Row> rows) { replaceDerived(table, rows, true); }

    /**
     * Replaces this study's partition of a derived table, as one file. {@code largeInput}: the query's last
     * stage reads the base tables' rows (a 10M-row aggregation for some tables), so the file is written after a
     * shuffle to one partition ({@code repartition(1)}); {@code coalesce(1)} would run that whole stage in a
     * single task. A query over other derived tables (hundreds of rows) is merged into its one task without
     * the extra stage and its shuffle ({@code coalesce(1)}).
     */
    void replaceDerived(String table, Dataset<Row> rows, boolean largeInput) {
        try {
            Path st = staging("derived-" + table);
            Dataset<Row> out = rows.drop(TrialsTable.STUDY);
            (largeInput ? out.repartition(1) : out.coalesce(1)).write().option("compression", CODEC).parquet(st.toString());
            for (FileStatus f : list(st)) if (!f.getPath().getName().startsWith("part-")) fs.delete(f.getPath(), false);
            Path target = partition(table);
            fs.mkdirs(target.getParent());
            if (fs.exists(target)) fs.delete(target, true);
            rename(st, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one file to this study's partition of {@code table} under {@code name}. */
    void append(String table, String name, Dataset<Row> rows) {
        try {
            Path st = staging("append-" + name);
            rows.drop(TrialsTable.STUDY).coalesce(1).write().option("compression", CODEC).parquet(st.toString());
            fs.mkdirs(partition(table));
            rename(parts(st).get(0).getPath(), new Path(partition(table), "part-" + name + ".parquet"));
            fs.delete(st, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) throw new IOException("cannot rename " + from + " to " + to);
    }

    private List<FileStatus> parts(Path dir) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        for (FileStatus f : list(dir)) if (f.getPath().getName().startsWith("part-") && f.getPath().getName().endsWith(".parquet")) out.add(f);
        return out;
    }

    private List<FileStatus> list(Path dir) throws IOException {
        if (!fs.exists(dir)) return List.of();
        List<FileStatus> out = new ArrayList<>();
        for (FileStatus f : fs.listStatus(dir)) if (f.isFile()) out.add(f);
        return out;
    }

    /** The batch key of a committed file name: part-KEY.parquet (trials) or part-KEY-N.parquet (layer_stats). */
    static String key(String fileName, boolean numbered) {
        String k = fileName.replaceFirst("^part-", "").replaceFirst("\\.parquet$", "");
        return numbered ? k.substring(0, k.lastIndexOf('-')) : k;
    }
}
