package org.gradstudy.jobs;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.gradstudy.result.LayerStats;
import org.gradstudy.result.TrialResult;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The {@code layer_stats} table: one row per trial x recorded step x layer x parameter, with the
 * trial's axis columns for grouping without a join. Gradients are of the minibatch MEAN loss, raw
 * (before the updater). The schema is defined here only.
 */
public final class LayerStatsTable {
    public static final String NAME = "layer_stats";
    public static final String STUDY = "study", TRIAL_ID = "trial_id", REPLICATE = "replicate", STEP = "step",
            LAYER = "layer", LAYER_KIND = "layer_kind", PARAM = "param", LOSS = "loss", N = "n", GRAD_L2 = "grad_l2",
            GRAD_MEAN_ABS = "grad_mean_abs", GRAD_MAX_ABS = "grad_max_abs", GRAD_STD = "grad_std",
            GRAD_ZERO_FRACTION = "grad_zero_fraction", GRAD_NONFINITE = "grad_nonfinite", PARAM_L2 = "param_l2",
            UPDATE_L2 = "update_l2", UPDATE_RATIO = "update_ratio", ACT_MEAN = "act_mean", ACT_STD = "act_std",
            ACT_SATURATED_FRACTION = "act_saturated_fraction", ACT_DEAD_FRACTION = "act_dead_fraction",
            GRAD_NORM_PRE_CLIP = "grad_norm_pre_clip", GRAD_NORM_POST_CLIP = "grad_norm_post_clip", CLIPPED = "clipped";

    public static final StructType SCHEMA;

    /**
     * The measurements that differ on nearly every row (per tensor and step), unlike the per-step loss and
     * clip norms, the trial's columns and the fractions (mostly 0): no dictionary encoding pays for them.
     */
    static final List<String> DISTINCT_DOUBLES = List.of(GRAD_L2, GRAD_MEAN_ABS, GRAD_MAX_ABS, GRAD_STD, PARAM_L2, UPDATE_L2,
            UPDATE_RATIO, ACT_MEAN, ACT_STD);

    static {
        List<StructField> f = new ArrayList<>(Columns.trialFields());
        f.add(Columns.field(STEP, DataTypes.IntegerType, false,
                "0-based training step; the gradient is computed at the parameters before the update of that step"));
        f.add(Columns.field(LAYER, DataTypes.IntegerType, false, "1 = first hidden layer, nearest the input; depth + 1 = output layer"));
        f.add(Columns.field(LAYER_KIND, DataTypes.StringType, false, "hidden | output"));
        f.add(Columns.field(PARAM, DataTypes.StringType, false,
                "parameter tensor: W, b (dense weights, biases), gamma, beta (batch norm), alpha (prelu slopes)"));
        f.add(Columns.field(LOSS, DataTypes.DoubleType, false, "minibatch mean cross-entropy loss at this step (NaN/Inf when diverged)"));
        f.add(Columns.field(N, DataTypes.LongType, false, "number of elements of the tensor"));
        f.add(Columns.field(GRAD_L2, DataTypes.DoubleType, false,
                "L2 norm of the raw gradient of the minibatch mean loss (before clipping, regularization and the optimizer)"));
        f.add(Columns.field(GRAD_MEAN_ABS, DataTypes.DoubleType, false, "mean absolute gradient element, ||g||_1 / n"));
        f.add(Columns.field(GRAD_MAX_ABS, DataTypes.DoubleType, false, "largest absolute gradient element"));
        f.add(Columns.field(GRAD_STD, DataTypes.DoubleType, false, "standard deviation of the gradient elements"));
        f.add(Columns.field(GRAD_ZERO_FRACTION, DataTypes.DoubleType, false, "fraction (0 to 1) of gradient elements exactly 0"));
        f.add(Columns.field(GRAD_NONFINITE, DataTypes.LongType, false,
                "count of NaN/Inf gradient elements; the other gradient statistics skip them"));
        f.add(Columns.field(PARAM_L2, DataTypes.DoubleType, false, "L2 norm of the parameter tensor before the update of this step"));
        f.add(Columns.field(UPDATE_L2, DataTypes.DoubleType, false, "L2 norm of the update the optimizer applied at this step"));
        f.add(Columns.field(UPDATE_RATIO, DataTypes.DoubleType, true, "update_l2 / param_l2; null when the parameter is 0"));
        f.add(Columns.field(ACT_MEAN, DataTypes.DoubleType, true,
                "mean of the activation output of the layer over the batch and units; null for the output layer"));
        f.add(Columns.field(ACT_STD, DataTypes.DoubleType, true, "standard deviation of that activation output; null for the output layer"));
        f.add(Columns.field(ACT_SATURATED_FRACTION, DataTypes.DoubleType, true,
                "fraction of activations saturated: |tanh| > 0.99, sigmoid < 0.01 or > 0.99; null for other activations"));
        f.add(Columns.field(ACT_DEAD_FRACTION, DataTypes.DoubleType, true,
                "fraction of units <= 0 for every example of the batch; relu family only, else null"));
        f.add(Columns.field(GRAD_NORM_PRE_CLIP, DataTypes.DoubleType, false,
                "L2 norm of the whole gradient (every trainable tensor of every layer) before clipping; same on every row of the step"));
        f.add(Columns.field(GRAD_NORM_POST_CLIP, DataTypes.DoubleType, false,
                "the same after clipping; equal to grad_norm_pre_clip without clipping"));
        f.add(Columns.field(CLIPPED, DataTypes.BooleanType, false, "whether clipping changed the gradient at this step"));
        SCHEMA = DataTypes.createStructType(f);
    }

    private LayerStatsTable() {}

    /**
     * The rows of one trial's recorded statistics, in {@link #SCHEMA} order, as Spark's internal rows: one
     * row read in place from the trial's column arrays ({@link LayerStatRow}), what a batch's writer
     * ({@link LayerStatsWriter}) writes, and a Spark frame through {@code SparkSession.internalCreateDataFrame}.
     * The trial's columns, a dozen strings repeated on every row, are converted to Spark's string type once
     * per trial (Spark's generic encoder converted every one of them again on every row: a quarter of a
     * commit's time, profiled with JFR).
     */
    public static Iterator<InternalRow> toInternalRows(TrialResult r) {
        Object[] prefix = Columns.trialValues(r.config()).stream().map(LayerStatsTable::internal).toArray();
        return LayerStatRow.rows(prefix, LayerStats.copyOf(r.layerStats()));
    }

    /** A trial column's value as Spark's internal representation (strings as UTF8String; numbers boxed as they are). */
    private static Object internal(Object v) { return v instanceof String str ? UTF8String.fromString(str) : v; }
}
