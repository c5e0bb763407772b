package org.gradstudy.jobs;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.gradstudy.result.TrialResult;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Expander;
import org.gradstudy.study.Expansion;
import org.gradstudy.engine.Preflight;
import org.gradstudy.data.UserData;
import org.apache.spark.broadcast.Broadcast;
import org.gradstudy.study.Study;
import org.gradstudy.study.TrialConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * {@code run}: expands a study, trains every trial as one Spark task, and writes the {@code trials},
 * {@code layer_stats} and {@code depth_summary} tables of the study's partition in the warehouse.
 */
public final class RunJob {
    private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

    /** Counts of a finished run. */
    public record Outcome(long planned, long ok, long diverged, long failed) {
        /** 0 when at least one trial produced a result, 1 when every trial failed. */
        public int exitCode() { return planned > 0 && failed == planned ? 1 : 0; }
    }

    private RunJob() {}

    /** Runs {@code study} in {@code spark}, writing its tables under {@code warehouse}. */
    public static Outcome run(SparkSession spark, Study study, Warehouse warehouse) {
        warehouse.checkWritable(spark.sparkContext().hadoopConfiguration());
        UserData data = UserDataLoader.load(spark, study.training()); // null unless dataset = file
        if (data != null) study = study.withTraining(study.training().withFileData(data.rows(), data.classes(),
                data.features(), data.fingerprint()));
        Expansion expansion = Expander.expand(study);
        for (String line : expansion.report(study.source()).split("\n")) LOG.info("study {}: {}", study.name(), line);
        Preflight.check(study, expansion.trials());
        List<TrialConfig> trials = new ArrayList<>(expansion.trials());
        // Longest trials first, so no long straggler starts last and runs alone.
        trials.sort(Comparator.comparingDouble(TrialConfig::cost).reversed());
        LOG.info("study {}: {} trials from {}", study.name(), trials.size(), study.source());

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobDescription("gradstudy " + study.name() + ": " + trials.size() + " trials");
        // One trial per partition, so one trial per task: Spark balances them across executors.
        Broadcast<UserData> shipped = jsc.broadcast(data); // loaded once, shipped once per executor
        JavaRDD<TrialResult> results = jsc.parallelize(trials, Math.max(1, trials.size()))
                .map(t -> TrialTask.run(t, shipped.value()))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            // Train at full parallelism first (one task per trial, cached); only then coalesce the output
            // into few files, which must not shrink the training stage's parallelism.
            results.count();
            int n = trials.size();
            write(spark.createDataFrame(results.map(TrialsTable::toRow), TrialsTable.SCHEMA)
                    .coalesce(files(n, 1000)), warehouse.table(TrialsTable.NAME));
            write(spark.createDataFrame(results.flatMap(r -> LayerStatsTable.toRows(r).iterator()), LayerStatsTable.SCHEMA)
                    .coalesce(files(n, 100)), warehouse.table(LayerStatsTable.NAME));
        } finally {
            results.unpersist(false);
        }

        registerViews(spark, warehouse, study.name());
        write(DepthSummary.compute(spark).coalesce(1), warehouse.table(DepthSummary.NAME));

        Dataset<Row> counts = spark.table(TrialsTable.NAME).groupBy(TrialsTable.STATUS).count();
        long ok = 0, diverged = 0, failed = 0;
        for (Row r : counts.collectAsList()) {
            switch (r.getString(0)) {
                case "ok" -> ok = r.getLong(1);
                case "diverged" -> diverged = r.getLong(1);
                default -> failed += r.getLong(1);
            }
        }
        return new Outcome(trials.size(), ok, diverged, failed);
    }

    /** Output files for {@code trials} trials at about {@code perFile} trials a file. */
    private static int files(int trials, int perFile) { return Math.max(1, (trials + perFile - 1) / perFile); }

    /** Registers the study's rows of the base tables as temporary views {@code trials} and {@code layer_stats}. */
    static void registerViews(SparkSession spark, Warehouse warehouse, String study) {
        for (String table : List.of(TrialsTable.NAME, LayerStatsTable.NAME))
            spark.read().parquet(warehouse.table(table)).where(col(TrialsTable.STUDY).equalTo(study))
                    .createOrReplaceTempView(table);
    }

    /** Replaces the partitions of the studies present in {@code rows}, leaving other studies alone. */
    static void write(Dataset<Row> rows, String path) {
        rows.write().mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic")
                .partitionBy(TrialsTable.STUDY).parquet(path);
    }

    /** The short result table printed after a run: the varied axes, depth, and the headline numbers. */
    static Dataset<Row> headline(SparkSession spark, Warehouse warehouse, Study study) {
        List<Column> cols = new ArrayList<>();
        for (Axis a : study.variedAxes()) if (a != Axis.DEPTH) cols.add(col(a.column()));
        cols.add(col(Axis.DEPTH.column()));
        for (String c : List.of("trials", "ok_rate", "diverged_rate", "w_log10_atten_init_median",
                "b_log10_atten_init_median", "b_layer_factor_init", "b_log10_atten_train_median", "test_accuracy_median"))
            cols.add(col(c));
        Dataset<Row> summary = spark.read().parquet(warehouse.table(DepthSummary.NAME))
                .where(col(TrialsTable.STUDY).equalTo(study.name()));
        return summary.select(cols.toArray(Column[]::new)).orderBy(cols.subList(0, cols.size() - 8).toArray(Column[]::new));
    }
}
