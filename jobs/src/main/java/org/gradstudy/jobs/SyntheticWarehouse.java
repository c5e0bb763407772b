package org.gradstudy.jobs;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.gradstudy.engine.NetworkFactory;
import org.gradstudy.result.LayerStats;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.TrialStatus;
import org.gradstudy.result.Versions;
import org.gradstudy.study.Study;
import org.gradstudy.study.TrialConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

/**
 * The benchmark's synthetic warehouse (its {@code aggregate} section): {@code trials} and {@code layer_stats}
 * rows with the real schemas and values shaped like real ones, so the aggregation and the Parquet writer
 * can be timed on 10 million rows without training 15,000 networks.
 */
final class SyntheticWarehouse {
    private SyntheticWarehouse() {}

    /** Trials rows for synthetic results: status ok, plausible metrics, no statistics (those come from {@link #stats}). */
    static List<Row> trials(List<TrialConfig> trials) {
        String versions = Versions.summary("bench");
        List<Row> rows = new ArrayList<>(trials.size());
        for (TrialConfig t : trials) {
            double u = (t.trialId().hashCode() & 0xffff) / 65536.0;
            rows.add(TrialsTable.toRow(new TrialResult(t, TrialStatus.OK, null, null, null, 0, t.training().steps(), 1.0 - 0.5 * u,
                    0.4 + 0.5 * u, 1.05 - 0.5 * u, 0.38 + 0.5 * u, NetworkFactory.parameterCount(t), 500 + (long) (1000 * u),
                    "bench", versions, LayerStats.of())));
        }
        return rows;
    }

    /**
     * layer_stats rows for {@code trials} with the real schema: every recorded step x layer x (W, b), values drawn
     * with the structure of real ones (per-step columns equal across a step's rows, activation statistics equal for
     * a layer's W and b, fractions that are multiples of 1/n, nulls where the real probe leaves them).
     */
    static Dataset<Row> stats(SparkSession spark, List<TrialConfig> trials, Study study) {
        List<Row> prefix = new ArrayList<>(trials.size());
        for (TrialConfig t : trials) prefix.add(RowFactory.create(Columns.trialValues(t).toArray()));
        StructType prefixSchema = DataTypes.createStructType(Columns.trialFields());
        List<Integer> steps = study.probe().schedule(study.training().steps()).stream().boxed().toList();
        Column[] stepLits = steps.stream().map(s -> lit(s)).toArray(Column[]::new);
        Dataset<Row> base = spark.createDataFrame(prefix, prefixSchema)
                .withColumn(LayerStatsTable.STEP, explode(org.apache.spark.sql.functions.array(stepLits)))
                .withColumn(LayerStatsTable.LAYER, explode(sequence(lit(1), col("depth").plus(1))))
                .withColumn(LayerStatsTable.PARAM, explode(org.apache.spark.sql.functions.array(lit("W"), lit("b"))));
        Column depth = col("depth"), layer = col(LayerStatsTable.LAYER), width = col("width");
        Column isOut = layer.equalTo(depth.plus(1)), isHidden = layer.leq(depth), isW = col(LayerStatsTable.PARAM).equalTo("W");
        Column n = when(isW, when(layer.equalTo(1), width.multiply(BenchJob.INPUTS)).when(isOut, width.multiply(BenchJob.CLASSES)).otherwise(width.multiply(width)))
                .otherwise(when(isOut, lit(BenchJob.CLASSES)).otherwise(width)).cast(DataTypes.LongType);
        Column perStep = pmod(hash(col(TrialsTable.TRIAL_ID), col(LayerStatsTable.STEP)), lit(1_000_003)).divide(1_000_003.0);
        Column perLayer = pmod(hash(col(TrialsTable.TRIAL_ID), col(LayerStatsTable.STEP), layer), lit(1_000_003)).divide(1_000_003.0);
        Column gl2 = exp(randn(1)).multiply(pow(lit(10.0), depth.minus(layer).multiply(-0.05)));
        Column act = col("activation");
        Map<String, Column> c = new LinkedHashMap<>();
        c.put(LayerStatsTable.LAYER_KIND, when(isOut, lit("output")).otherwise(lit("hidden")));
        c.put(LayerStatsTable.LOSS, lit(1.1).multiply(exp(col(LayerStatsTable.STEP).divide(-150.0))).plus(perStep.multiply(0.05)));
        c.put(LayerStatsTable.N, n);
        c.put(LayerStatsTable.GRAD_L2, gl2);
        c.put(LayerStatsTable.GRAD_MEAN_ABS, gl2.divide(sqrt(n)).multiply(rand(2).multiply(0.2).plus(0.7)));
        c.put(LayerStatsTable.GRAD_MAX_ABS, gl2.multiply(rand(3).multiply(0.3).plus(0.1)));
        c.put(LayerStatsTable.GRAD_STD, gl2.divide(sqrt(n)).multiply(rand(4).multiply(0.1).plus(0.95)));
        c.put(LayerStatsTable.GRAD_ZERO_FRACTION, when(act.equalTo("relu").and(isW), floor(rand(5).multiply(0.3).multiply(n)).divide(n)).otherwise(lit(0.0)));
        c.put(LayerStatsTable.GRAD_NONFINITE, lit(0L));
        Column p = lit(6.0).plus(rand(6).multiply(4));
        c.put(LayerStatsTable.PARAM_L2, p);
        c.put(LayerStatsTable.UPDATE_L2, gl2.multiply(col("learning_rate")));
        c.put(LayerStatsTable.UPDATE_RATIO, gl2.multiply(col("learning_rate")).divide(p));
        c.put(LayerStatsTable.ACT_MEAN, when(isHidden, perLayer.multiply(0.6)));
        c.put(LayerStatsTable.ACT_STD, when(isHidden, perLayer.multiply(0.5).plus(0.5)));
        c.put(LayerStatsTable.ACT_SATURATED_FRACTION, when(isHidden.and(act.isin("tanh", "sigmoid")),
                floor(perLayer.multiply(0.2).multiply(width.multiply(BenchJob.BATCH))).divide(width.multiply(BenchJob.BATCH))));
        c.put(LayerStatsTable.ACT_DEAD_FRACTION, when(isHidden.and(act.equalTo("relu")), floor(perLayer.multiply(0.25).multiply(width)).divide(width)));
        c.put(LayerStatsTable.GRAD_NORM_PRE_CLIP, exp(perStep.multiply(2)));
        c.put(LayerStatsTable.GRAD_NORM_POST_CLIP, exp(perStep.multiply(2)));
        c.put(LayerStatsTable.CLIPPED, lit(false));
        List<Column> select = new ArrayList<>();
        for (StructField f : LayerStatsTable.SCHEMA.fields()) {
            Column e = c.containsKey(f.name()) ? c.get(f.name()) : col(f.name());
            select.add(e.cast(f.dataType()).as(f.name()));
        }
        return base.select(select.toArray(Column[]::new));
    }

    /** Bytes of the Parquet files under {@code dir}. */
    static long bytes(SparkSession spark, String dir) {
        try {
            Path root = new Path(dir);
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            long total = 0;
            var it = fs.listFiles(root, true);
            while (it.hasNext()) {
                var f = it.next();
                if (f.getPath().getName().endsWith(".parquet")) total += f.getLen();
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
