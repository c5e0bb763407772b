package org.gradstudy.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gradstudy.report.ReportCharts;
import org.gradstudy.report.ReportData;
import org.gradstudy.report.ReportPage;
import org.gradstudy.study.Axis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;

/**
 * {@code report}: reads a study's aggregate tables, collects their (small) rows into {@link ReportData}
 * and hands them to {@link ReportCharts} and {@link ReportPage}, which draw and write the report. This
 * class only reads tables and checks input.
 */
public final class ReportJob {
    /** The aggregate tables a report reads; {@code gradstudy aggregate} (and the end of every run) writes them. */
    static final List<String> REQUIRED = List.of(AggregateJob.TRIAL_METRICS, AggregateJob.TECHNIQUE_DEPTH, AggregateJob.LAYER_PROFILE,
            AggregateJob.TECHNIQUE_EFFECTS, AggregateJob.CLAIMS);

    private ReportJob() {}

    /**
     * What to report and where.
     *
     * @param warehouse the tables (a directory or Hadoop URI)
     * @param study     the study name
     * @param out       the report directory (local): created, or replaced if it holds a previous report
     * @param depth     depth of the per-layer profiles and the gain sweep, or null (profiles: the deepest; gain sweep: every depth)
     * @param axis      only this axis in the per-axis charts (study-file key or column name), or null for every varied axis
     */
    public record Options(String warehouse, String study, java.nio.file.Path out, Integer depth, String axis) {}

    /** What was written: the page and its chart files (names relative to the page's directory). */
    public record Result(java.nio.file.Path index, List<String> charts) {}

    /**
     * The checks that need no Spark, so bad input fails fast: the study has trials, its aggregate tables
     * exist, and {@code out} may receive a report.
     *
     * @throws BadInputException naming what is wrong and the fix
     */
    static void check(Configuration hadoop, Options o) {
        Warehouse wh = new Warehouse(o.warehouse());
        List<String> studies;
        try {
            studies = AggregateCommand.studies(hadoop, wh);
        } catch (IOException e) {
            throw new BadInputException("warehouse " + o.warehouse() + ": cannot be read: " + e.getMessage());
        }
        if (studies.isEmpty())
            throw new BadInputException("warehouse " + o.warehouse() + ": no trials table with a study in it; "
                    + "run a study first (gradstudy run STUDY.conf --warehouse " + o.warehouse() + ")");
        if (!studies.contains(o.study()))
            throw new BadInputException("warehouse " + o.warehouse() + ": no study named " + o.study() + "; studies: " + String.join(", ", studies));
        List<String> missing = new ArrayList<>();
        for (String t : REQUIRED) if (!hasFiles(hadoop, partition(wh, t, o.study()))) missing.add(t);
        if (!missing.isEmpty())
            throw new BadInputException("study " + o.study() + " has no aggregate tables yet (missing: " + String.join(", ", missing)
                    + "); run `gradstudy aggregate --warehouse " + o.warehouse() + " --study " + o.study() + "` first");
        if (o.depth() != null && o.depth() < 1) throw new BadInputException("--depth " + o.depth() + ": a depth is a number of hidden layers, at least 1");
        String refusal = ReportPage.refusal(o.out().toAbsolutePath().normalize());
        if (refusal != null) throw new BadInputException(refusal);
    }

    /** Renders the report of {@code o.study()}; bad input (unknown study, missing aggregates, depth or axis) throws {@link BadInputException}. */
    public static Result run(SparkSession spark, Options o) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        check(hadoop, o);
        ReportData data = load(spark, hadoop, new Warehouse(o.warehouse()), o.study());
        ReportCharts.Options chartOptions = resolve(data, o);
        List<ReportCharts.Section> sections = ReportCharts.sections(data, chartOptions);
        try {
            List<String> charts = ReportPage.write(o.out(), data, sections);
            return new Result(o.out().resolve(ReportPage.INDEX), charts);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage()); // out changed under us since check()
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + o.out(), e);
        }
    }

    /** The chart options for {@code data}: --depth must be one of the study's depths, --axis one of its varied axes. */
    static ReportCharts.Options resolve(ReportData data, Options o) {
        if (o.depth() != null && !data.depths().contains(o.depth()))
            throw new BadInputException("--depth " + o.depth() + ": study " + o.study() + " has no trials at that depth; depths: "
                    + data.depths().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        Axis axis = null;
        if (o.axis() != null) {
            String varied = data.variedAxes().keySet().stream().map(Axis::key).collect(Collectors.joining(", "));
            axis = Axis.ordered().stream().filter(a -> a.key().equals(o.axis()) || a.column().equals(o.axis())).findFirst()
                    .orElseThrow(() -> new BadInputException("--axis " + o.axis() + ": unknown axis; allowed: "
                            + Axis.ordered().stream().filter(a -> a != Axis.DEPTH).map(Axis::key).collect(Collectors.joining(", "))));
            if (!data.variedAxes().containsKey(axis))
                throw new BadInputException("--axis " + o.axis() + ": study " + o.study() + " does not vary it"
                        + (axis == Axis.DEPTH ? " as a technique (depth is on every chart already)" : "")
                        + "; varied axes: " + (varied.isEmpty() ? "none" : varied));
        }
        return new ReportCharts.Options(o.depth(), axis);
    }

    /** Collects what the report shows from the study's tables. */
    static ReportData load(SparkSession spark, Configuration hadoop, Warehouse wh, String study) {
        Dataset<Row> trials = read(spark, hadoop, wh, TrialsTable.NAME, study);
        Map<String, Long> statuses = new LinkedHashMap<>();
        long count = 0;
        List<String> versions = new ArrayList<>();
        if (trials != null) {
            for (Row r : trials.groupBy(TrialsTable.STATUS).count().collectAsList()) {
                statuses.put(r.getAs(TrialsTable.STATUS), r.<Long>getAs("count"));
                count += r.<Long>getAs("count");
            }
            for (Row r : trials.select(TrialsTable.VERSIONS).distinct().orderBy(TrialsTable.VERSIONS).limit(5).collectAsList())
                if (r.getAs(TrialsTable.VERSIONS) != null) versions.add(r.getAs(TrialsTable.VERSIONS));
        }

        List<ReportData.TrialRow> metrics = new ArrayList<>();
        ReportData.Thresholds thresholds = null;
        for (Row r : rows(spark, hadoop, wh, AggregateJob.TRIAL_METRICS, study, null,
                "activation", "leaky_relu_slope", "init", "init_gain", "normalization", "residual_every", "depth", "width",
                "learning_rate", "clipping", "clip_threshold", "input", "status", "b_log10_atten_init",
                "vanishing_log10", "exploding_log10", "relative_gradient_log10")) {
            metrics.add(new ReportData.TrialRow(r.getAs("activation"), dbl(r, "leaky_relu_slope"), r.getAs("init"), dbl(r, "init_gain"),
                    r.getAs("normalization"), r.getAs("residual_every"), r.<Integer>getAs("depth"), r.<Integer>getAs("width"),
                    r.<Double>getAs("learning_rate"), r.getAs("clipping"), dbl(r, "clip_threshold"), r.getAs("input"), r.getAs("status"),
                    dbl(r, "b_log10_atten_init")));
            if (thresholds == null && dbl(r, "vanishing_log10") != null)
                thresholds = new ReportData.Thresholds(dbl(r, "vanishing_log10"), dbl(r, "exploding_log10"), dbl(r, "relative_gradient_log10"));
        }

        List<ReportData.DepthCell> cells = new ArrayList<>();
        for (Row r : rows(spark, hadoop, wh, AggregateJob.TECHNIQUE_DEPTH, study, null, "axis", "value", "depth", "trials",
                "b_log10_atten_init_median", "b_log10_atten_init_p10", "b_log10_atten_init_p90"))
            cells.add(new ReportData.DepthCell(r.getAs("axis"), r.getAs("value"), r.<Integer>getAs("depth"), lng(r, "trials"),
                    dbl(r, "b_log10_atten_init_median"), dbl(r, "b_log10_atten_init_p10"), dbl(r, "b_log10_atten_init_p90")));

        List<ReportData.ProfileRow> profile = new ArrayList<>();
        for (Row r : rows(spark, hadoop, wh, AggregateJob.LAYER_PROFILE, study,
                "phase = 'init' AND layer_kind = 'hidden' AND param IN ('W', 'b')",
                "axis", "value", "depth", "layer", "param", "trials", "grad_l2_median", "grad_l2_p10", "grad_l2_p90"))
            profile.add(new ReportData.ProfileRow(r.getAs("axis"), r.getAs("value"), r.<Integer>getAs("depth"), r.<Integer>getAs("layer"),
                    r.getAs("param"), lng(r, "trials"), dbl(r, "grad_l2_median"), dbl(r, "grad_l2_p10"), dbl(r, "grad_l2_p90")));

        List<ReportData.EffectRow> effects = new ArrayList<>();
        for (Row r : rows(spark, hadoop, wh, AggregateJob.TECHNIQUE_EFFECTS, study, null, "axis", "value", "baseline", "depth", "pairs",
                "d_log10_atten_init_median", "d_log10_atten_init_low", "d_log10_atten_init_high",
                "d_diverged_rate", "d_diverged_rate_low", "d_diverged_rate_high"))
            effects.add(new ReportData.EffectRow(r.getAs("axis"), r.getAs("value"), r.getAs("baseline"), r.<Integer>getAs("depth"),
                    lng(r, "pairs"), dbl(r, "d_log10_atten_init_median"), dbl(r, "d_log10_atten_init_low"), dbl(r, "d_log10_atten_init_high"),
                    dbl(r, "d_diverged_rate"), dbl(r, "d_diverged_rate_low"), dbl(r, "d_diverged_rate_high")));

        List<ReportData.ClaimRow> claims = new ArrayList<>();
        Dataset<Row> claimTable = read(spark, hadoop, wh, AggregateJob.CLAIMS, study);
        if (claimTable != null)
            for (Row r : claimTable.orderBy(col("claim"), col("supports").desc_nulls_last(), col("evidence"))
                    .select("claim", "statement", "verdict", "supporting", "refuting", "inconclusive", "evidence", "supports").collectAsList())
                claims.add(new ReportData.ClaimRow(((Number) r.getAs("claim")).intValue(), r.getAs("statement"), r.getAs("verdict"),
                        lng(r, "supporting"), lng(r, "refuting"), lng(r, "inconclusive"), r.getAs("evidence"), r.getAs("supports")));

        List<ReportData.BoundaryRow> boundaries = new ArrayList<>();
        for (Row r : rows(spark, hadoop, wh, SearchJob.NAME, study, null, "activation", "leaky_relu_slope", "depth",
                SearchJob.SEARCH_AXIS, SearchJob.ESTIMATE, SearchJob.STATUS))
            boundaries.add(new ReportData.BoundaryRow(r.getAs("activation"), dbl(r, "leaky_relu_slope"), r.getAs("depth"),
                    r.getAs(SearchJob.SEARCH_AXIS), dbl(r, SearchJob.ESTIMATE), r.getAs(SearchJob.STATUS)));

        boolean stale = newest(hadoop, partition(wh, TrialsTable.NAME, study)) > oldest(hadoop, partition(wh, AggregateJob.TRIAL_METRICS, study));
        ReportData.Header header = new ReportData.Header(count, statuses, thresholds, versions, Instant.now(), stale);
        return new ReportData(study, wh.root(), header, profile, cells, metrics, effects, claims, boundaries);
    }

    /** The selected columns of a study's rows of {@code table} (filtered by {@code where} when given); none if it has no files. */
    private static List<Row> rows(SparkSession spark, Configuration hadoop, Warehouse wh, String table, String study, String where,
                                  String... columns) {
        Dataset<Row> ds = read(spark, hadoop, wh, table, study);
        if (ds == null) return List.of();
        if (where != null) ds = ds.where(where);
        return ds.select(java.util.Arrays.stream(columns).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList();
    }

    /** The study's partition of {@code table} (without the study column), or null when it has no data files. */
    private static Dataset<Row> read(SparkSession spark, Configuration hadoop, Warehouse wh, String table, String study) {
        Path p = partition(wh, table, study);
        return hasFiles(hadoop, p) ? spark.read().parquet(p.toString()) : null;
    }

    static Path partition(Warehouse wh, String table, String study) {
        return new Path(wh.table(table), TrialsTable.STUDY + "=" + study);
    }

    private static boolean hasFiles(Configuration hadoop, Path dir) {
        return !dataFiles(hadoop, dir).isEmpty();
    }

    private static List<FileStatus> dataFiles(Configuration hadoop, Path dir) {
        try {
            FileSystem fs = dir.getFileSystem(hadoop);
            if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) return List.of();
            List<FileStatus> out = new ArrayList<>();
            for (FileStatus f : fs.listStatus(dir))
                if (f.isFile() && f.getPath().getName().endsWith(".parquet")) out.add(f);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static long newest(Configuration hadoop, Path dir) {
        return dataFiles(hadoop, dir).stream().mapToLong(FileStatus::getModificationTime).max().orElse(Long.MIN_VALUE);
    }

    private static long oldest(Configuration hadoop, Path dir) {
        return dataFiles(hadoop, dir).stream().mapToLong(FileStatus::getModificationTime).min().orElse(Long.MAX_VALUE);
    }

    private static Double dbl(Row r, String column) {
        Object v = r.getAs(column);
        return v == null ? null : ((Number) v).doubleValue();
    }

    private static long lng(Row r, String column) {
        Object v = r.getAs(column);
        return v == null ? 0 : ((Number) v).longValue();
    }
}
