package org.gradstudy.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.gradstudy.analysis.Bootstrap;
import org.gradstudy.engine.NetworkFactory;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Analysis;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Init;
import org.gradstudy.study.Keyed;
import org.gradstudy.theory.MeanField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;

/**
 * {@code aggregate}: recomputes a study's derived tables from its base tables ({@code trials},
 * {@code layer_stats}), in Spark SQL (the queries are resources next to this class):
 * <ul>
 * <li>{@code trial_metrics}: one row per trial: attenuations, relative gradient, verdicts;</li>
 * <li>{@code technique_depth}: per (axis, value, depth): medians, percentiles and rates;</li>
 * <li>{@code layer_profile}: per (axis, value, depth, layer, param, phase): gradient norm and update ratio;</li>
 * <li>{@code technique_effects}: matched-pair differences against a baseline value, bootstrap intervals;</li>
 * <li>{@code theory}: the mean-field per-layer factor beside the measured one at step 0;</li>
 * <li>{@code claims}: the seven textbook claims with their evidence rows and a verdict;</li>
 * <li>{@code depth_summary}: per full combination of axes (the table printed after a run).</li>
 * </ul>
 * Idempotent: each run replaces the study's partition of each table; other studies are left alone.
 */
public final class AggregateJob {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateJob.class);

    public static final String TRIAL_METRICS = "trial_metrics", TECHNIQUE_DEPTH = "technique_depth",
            LAYER_PROFILE = "layer_profile", TECHNIQUE_EFFECTS = "technique_effects", THEORY = "theory", CLAIMS = "claims";

    /** Every table this job writes ({@code layer_profile} and the chain of the others are written side by side). */
    public static final List<String> TABLES = List.of(TRIAL_METRICS, TECHNIQUE_DEPTH, LAYER_PROFILE, TECHNIQUE_EFFECTS,
            THEORY, CLAIMS, DepthSummary.NAME);

    /** The struct of a bootstrap interval (technique_effects). */
    static final StructType INTERVAL = DataTypes.createStructType(List.of(
            DataTypes.createStructField("estimate", DataTypes.DoubleType, true),
            DataTypes.createStructField("low", DataTypes.DoubleType, true),
            DataTypes.createStructField("high", DataTypes.DoubleType, true)));

    private AggregateJob() {}

    /** Recomputes the aggregates of {@code study} with the thresholds recorded by its last run (or the defaults). */
    public static void run(SparkSession spark, Warehouse warehouse, String study) {
        Commits commits = new Commits(spark, warehouse, study);
        run(spark, commits, study, recordedThresholds(commits));
    }

    /** Recomputes the aggregates of the study of {@code commits} with thresholds {@code analysis}. */
    static void run(SparkSession spark, Commits commits, String study, Analysis analysis) {
        boolean setHere = !spark.conf().contains(OBJECT_AGG_FALLBACK);
        // Spark sorts an object aggregate's input (quantiles, collect_list) once a task holds more than 128
        // groups: the per-trial and per-layer aggregates here have thousands. Up to this many groups per
        // task stay in the hash map (each buffer holds its group's values: memory bounded by the input).
        if (setHere) spark.conf().set(OBJECT_AGG_FALLBACK, OBJECT_AGG_GROUPS);
        try {
            runQueries(spark, commits, study, analysis);
        } finally {
            if (setHere) spark.conf().unset(OBJECT_AGG_FALLBACK);
        }
    }

    /** The Spark setting {@link #run} sets to {@link #OBJECT_AGG_GROUPS} for the aggregation, unless the user set it. */
    static final String OBJECT_AGG_FALLBACK = "spark.sql.objectHashAggregate.sortBased.fallbackThreshold";

    /** Groups per task an object aggregate keeps in its hash map before Spark sorts its input instead. */
    static final int OBJECT_AGG_GROUPS = 10_000;

    private static void runQueries(SparkSession spark, Commits commits, String study, Analysis analysis) {
        long t0 = System.currentTimeMillis();
        registerFunctions(spark);
        commits.read(TrialsTable.NAME, TrialsTable.SCHEMA).createOrReplaceTempView(TrialsTable.NAME);
        commits.read(LayerStatsTable.NAME, LayerStatsTable.SCHEMA).createOrReplaceTempView(LayerStatsTable.NAME);
        spark.createDataFrame(List.of(RowFactory.create(study, analysis.vanishingLog10(), analysis.explodingLog10(),
                analysis.relativeGradientLog10())), DataTypes.createStructType(List.of(
                DataTypes.createStructField("study", DataTypes.StringType, false),
                DataTypes.createStructField(RunsTable.VANISHING_LOG10, DataTypes.DoubleType, false),
                DataTypes.createStructField(RunsTable.EXPLODING_LOG10, DataTypes.DoubleType, false),
                DataTypes.createStructField(RunsTable.RELATIVE_GRADIENT_LOG10, DataTypes.DoubleType, false))))
                .createOrReplaceTempView("thresholds");

        // Each table is written, then read back as the view the next queries use: its plan is then a scan
        // of a few files, not the whole lineage (the matched pairs alone join trial_metrics 26 times).
        // The tables are written as soon as the views they read exist, up to four at a time (three on the
        // pool, one on this thread): most of a table's time is the driver planning it and waiting for its
        // small jobs one after another, so one table's planning overlaps another's tasks (README, "Where
        // the time went").
        List<Axis> varied = variedAxes(spark);
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_TABLES, daemon("gradstudy-aggregate"));
        try {
            CompletableFuture<Void> profile = CompletableFuture.runAsync(() -> write(spark, commits, LAYER_PROFILE,
                    Tables.conform(spark.sql(sql("layer_profile.sql", varied)), AggregateTables.LAYER_PROFILE)), pool);
            write(spark, commits, TRIAL_METRICS, Tables.conform(spark.sql(sql("trial_metrics.sql")), AggregateTables.TRIAL_METRICS));
            CompletableFuture<Void> depth = CompletableFuture.runAsync(() -> write(spark, commits, TECHNIQUE_DEPTH,
                    Tables.conform(spark.sql(sql("technique_depth.sql", varied)), AggregateTables.TECHNIQUE_DEPTH)), pool);
            CompletableFuture<Void> effects = CompletableFuture.runAsync(() -> {
                spark.sql(effectPairsSql(varied)).createOrReplaceTempView("effect_pairs");
                write(spark, commits, TECHNIQUE_EFFECTS, Tables.conform(spark.sql(sql("technique_effects.sql")), AggregateTables.TECHNIQUE_EFFECTS));
            }, pool);
            CompletableFuture<Void> claims = CompletableFuture.allOf(depth, effects).thenRunAsync(() -> write(spark, commits, CLAIMS,
                    Tables.conform(spark.sql(sql("claims.sql")), AggregateTables.CLAIMS)), pool);
            predictions(spark).createOrReplaceTempView("predictions");
            write(spark, commits, THEORY, Tables.conform(spark.sql(sql("theory.sql")), AggregateTables.THEORY));
            write(spark, commits, DepthSummary.NAME, DepthSummary.compute(spark));
            CompletableFuture.allOf(profile, claims).join();
        } catch (CompletionException e) { // a table written on the pool failed: its own exception, as if written here
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException("aggregate tables of study " + study + ": " + cause.getMessage(), cause); // Spark's checked AnalysisException
        } finally {
            pool.shutdown(); // after a failure, the tables already started still finish before it is thrown
            awaitQuietly(pool);
        }
        LOG.info("study {}: aggregates recomputed in {} ms", study, System.currentTimeMillis() - t0);
    }

    /** Threads writing tables beside the calling thread: {@code layer_profile}, {@code technique_depth}, {@code technique_effects}, then {@code claims}. */
    static final int PARALLEL_TABLES = 3;

    private static void awaitQuietly(ExecutorService pool) {
        try {
            while (!pool.awaitTermination(1, TimeUnit.MINUTES)) LOG.info("waiting for the aggregate tables still being written");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Replaces the study's partition of {@code table} with {@code rows}, then registers the written rows as a view. */
    private static void write(SparkSession spark, Commits commits, String table, Dataset<Row> rows) {
        long t0 = System.currentTimeMillis();
        // Only these two read layer_stats; the others read the derived tables written before them.
        commits.replaceDerived(table, rows, table.equals(TRIAL_METRICS) || table.equals(LAYER_PROFILE));
        commits.readDerived(table, rows.schema()).createOrReplaceTempView(table);
        LOG.debug("{}: written in {} ms", table, System.currentTimeMillis() - t0);
    }

    /** The thresholds of the study's latest run, or {@link Analysis#defaults()} if it has none. */
    static Analysis recordedThresholds(Commits commits) {
        List<Row> last = commits.read(RunsTable.NAME, RunsTable.SCHEMA)
                .where(col(RunsTable.VANISHING_LOG10).isNotNull())
                .orderBy(col(RunsTable.STARTED_AT).desc()).limit(1).collectAsList();
        if (last.isEmpty()) return Analysis.defaults();
        Row r = last.get(0);
        return new Analysis(r.getAs(RunsTable.VANISHING_LOG10), r.getAs(RunsTable.EXPLODING_LOG10),
                r.getAs(RunsTable.RELATIVE_GRADIENT_LOG10));
    }

    /** Registers quantiles (trial_metrics, technique_depth, layer_profile) and the bootstrap functions of technique_effects.sql. */
    static void registerFunctions(SparkSession spark) {
        if (spark.catalog().functionExists("bootstrap_median")) return; // once per session (a run aggregates per study)
        spark.udf().register(Quantiles.NAME, org.apache.spark.sql.functions.udaf(new Quantiles(), org.apache.spark.sql.Encoders.DOUBLE()));
        spark.udf().register("bootstrap_median", (UDF2<scala.collection.Seq<Double>, Integer, Row>)
                (xs, seed) -> interval(Bootstrap.median(sorted(xs), seed)), INTERVAL);
        spark.udf().register("bootstrap_mean", (UDF2<scala.collection.Seq<Double>, Integer, Row>)
                (xs, seed) -> interval(Bootstrap.mean(sorted(xs), seed)), INTERVAL);
    }

    /** The values, sorted: collect_list's order depends on partitioning, the interval must not. */
    private static double[] sorted(scala.collection.Seq<Double> xs) {
        double[] out = new double[xs.size()];
        for (int i = 0; i < out.length; i++) out[i] = xs.apply(i);
        java.util.Arrays.sort(out);
        return out;
    }

    private static Row interval(Bootstrap.Interval i) {
        return i == null ? null : RowFactory.create(i.estimate(), i.low(), i.high());
    }

    /** A query resource with its axis-list placeholders filled in. */
    static String sql(String resource) {
        return resource(resource)
                .replace("${t.axes}", Columns.axisList("t."))
                .replace("${axes}", Columns.axisList(""));
    }

    /** A query resource with its placeholders filled in, {@code ${varied_stack}} with {@link #stack} of {@code varied}. */
    static String sql(String resource, List<Axis> varied) {
        return sql(resource).replace("${varied_stack}", stack(varied));
    }

    static String resource(String name) {
        try (InputStream in = AggregateJob.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + " from the jar", e);
        }
    }

    /** The axes that aggregates group by: every axis but depth (depth is a column of every row). */
    static List<Axis> groupingAxes() {
        return Axis.ordered().stream().filter(a -> a != Axis.DEPTH).toList();
    }

    /**
     * {@code stack(n, 'activation', CAST(activation AS STRING), ...)}: one (axis, value) row per axis of
     * {@code axes}; with none, one row of nulls (the queries keep rows whose value is not null).
     */
    static String stack(List<Axis> axes) {
        if (axes.isEmpty()) return "stack(1, CAST(NULL AS STRING), CAST(NULL AS STRING))";
        return "stack(" + axes.size() + ", " + axes.stream()
                .map(a -> "'" + a.column() + "', CAST(" + a.column() + " AS STRING)")
                .collect(Collectors.joining(", ")) + ")";
    }

    /**
     * The grouping axes with more than one value among the trials of the view {@code trials} (the rows
     * and axis columns of {@code trial_metrics}): an axis with one value has no pairs, and each block of
     * the pairs query is a join. Counted as {@code size(collect_set(axis))}, which ignores nulls as
     * {@code count(DISTINCT axis)} does: several {@code count(DISTINCT)} in one query are planned as an
     * Expand whose grouping keys come in a different order in every plan, so Spark generated and compiled
     * six new classes (124 KB of source) for this query in every aggregation, never found in its cache.
     */
    static List<Axis> variedAxes(SparkSession spark) {
        List<Axis> axes = groupingAxes();
        Row counts = spark.sql("SELECT " + axes.stream().map(a -> "size(collect_set(" + a.column() + "))")
                .collect(Collectors.joining(", ")) + " FROM trials").first();
        List<Axis> varied = new ArrayList<>();
        for (int i = 0; i < axes.size(); i++) if (counts.getInt(i) > 1) varied.add(axes.get(i));
        return varied;
    }

    /**
     * The matched pairs along {@code axes}, one effect_pairs.sql block per axis, as one query. With no
     * axis, the first grouping axis's block: it pairs nothing, and gives the view its columns.
     */
    static String effectPairsSql(List<Axis> axes) {
        String template = resource("effect_pairs.sql");
        List<String> blocks = new ArrayList<>();
        for (Axis axis : axes.isEmpty() ? groupingAxes().subList(0, 1) : axes) {
            List<String> match = new ArrayList<>();
            for (Axis other : Axis.ordered())
                if (other != axis && other.condition() != axis) match.add("a." + other.column() + " <=> b." + other.column());
            blocks.add(template.lines().filter(l -> !l.startsWith("--")).collect(Collectors.joining("\n"))
                    .replace("${axis}", axis.column())
                    .replace("${match}", String.join(" AND ", match))
                    .replace("${order_a}", order(axis, "a"))
                    .replace("${order_b}", order(axis, "b")));
        }
        return String.join("\nUNION ALL\n", blocks);
    }

    /** The order of an axis's values for choosing the baseline: enum order, or numeric. */
    static String order(Axis axis, String alias) {
        String c = alias + "." + axis.column();
        if (!(axis.domain() instanceof Axis.Choice choice)) return c;
        StringBuilder sb = new StringBuilder("CASE ").append(c);
        List<Keyed> constants = choice.constants();
        for (int i = 0; i < constants.size(); i++) sb.append(" WHEN '").append(constants.get(i).key()).append("' THEN ").append(i);
        return sb.append(" END").toString();
    }

    /** Mean-field predictions for every eligible (activation, init, width, depth) combination of the trials. */
    static Dataset<Row> predictions(SparkSession spark) {
        List<Row> combos = spark.sql("""
                SELECT DISTINCT study, activation, leaky_relu_slope, init, init_gain, width, depth,
                       CAST(regexp_extract(config, '[|]small-std=([^|]+)', 1) AS DOUBLE) AS small_std,
                       CAST(regexp_extract(config, '[|]large-std=([^|]+)', 1) AS DOUBLE) AS large_std,
                       CAST(regexp_extract(config, '[|]input-dim=([^|]+)', 1) AS INT) AS inputs
                FROM trials
                WHERE normalization = 'none' AND residual_every = 0 AND input = 'standardized' AND init <> 'zero' AND depth >= 2
                """).collectAsList();
        List<Row> out = new ArrayList<>();
        for (Row r : combos) {
            Activation a = Keyed.byKey(Activation.class, r.getString(1)).orElseThrow();
            double slope = r.isNullAt(2) ? MeanField.LEAKY_SLOPE : r.getDouble(2);
            Init init = Keyed.byKey(Init.class, r.getString(3)).orElseThrow();
            double gain = r.isNullAt(4) ? 1 : r.getDouble(4);
            int width = r.getInt(5), depth = r.getInt(6), inputs = r.getInt(9);
            double s = NetworkFactory.varianceScale(init, width, width, gain, r.getDouble(7), r.getDouble(8));
            double q1 = NetworkFactory.varianceScale(init, inputs, width, gain, r.getDouble(7), r.getDouble(8));
            double chi = MeanField.chi(a, s, slope);
            out.add(RowFactory.create(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getDouble(2), r.getString(3),
                    r.isNullAt(4) ? null : r.getDouble(4), width, depth, s, q1, chi, Math.sqrt(chi),
                    MeanField.finiteDepthFactor(a, s, slope, q1, depth)));
        }
        Map<String, org.apache.spark.sql.types.DataType> cols = new LinkedHashMap<>();
        cols.put("study", DataTypes.StringType);
        cols.put("activation", DataTypes.StringType);
        cols.put("leaky_relu_slope", DataTypes.DoubleType);
        cols.put("init", DataTypes.StringType);
        cols.put("init_gain", DataTypes.DoubleType);
        cols.put("width", DataTypes.IntegerType);
        cols.put("depth", DataTypes.IntegerType);
        cols.put("variance_scale", DataTypes.DoubleType);
        cols.put("first_layer_variance_scale", DataTypes.DoubleType);
        cols.put("chi", DataTypes.DoubleType);
        cols.put("predicted_factor", DataTypes.DoubleType);
        cols.put("predicted_factor_finite", DataTypes.DoubleType);
        StructType schema = DataTypes.createStructType(cols.entrySet().stream()
                .map(e -> DataTypes.createStructField(e.getKey(), e.getValue(), true)).toList());
        return spark.createDataFrame(out, schema);
    }
}
