package org.gradstudy.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code depth_summary} table: gradient depth attenuation and outcome rates grouped by every axis,
 * computed in Spark SQL from the {@code trial_metrics} view (see depth_summary.sql).
 */
public final class DepthSummary {
    public static final String NAME = "depth_summary";

    /**
     * The columns depth_summary.sql computes, in its order, with their comments; {@link #compute} checks
     * the computed names and types against it. The rates are DECIMAL(6,5): averages of 1.0/0.0 literals.
     */
    public static final StructType SCHEMA;

    static {
        DataType rate = DataTypes.createDecimalType(6, 5);
        String atten = "log10(||g_1|| / ||g_depth||), gradient L2 norm of the first over the last hidden layer (< 0 vanishing, > 0 exploding)";
        List<StructField> f = new ArrayList<>();
        f.add(Columns.field(TrialsTable.STUDY, DataTypes.StringType, false, Columns.STUDY_COMMENT));
        f.addAll(Columns.axisFields());
        f.add(Columns.field("trials", DataTypes.LongType, false, "trials in the group: the replicates (seeds) of this combination of axis values"));
        f.add(Columns.field("ok_rate", rate, true, "fraction (0 to 1, rounded to 5 decimals) of the trials of the group with status ok"));
        f.add(Columns.field("diverged_rate", rate, true, "fraction (0 to 1, rounded to 5 decimals) of the trials of the group with status diverged"));
        f.add(Columns.field("failed_rate", rate, true, "fraction (0 to 1, rounded to 5 decimals) of the trials of the group with status failed"));
        for (String p : new String[] {"w", "b"}) {
            String of = p.equals("w") ? "weight" : "bias";
            f.add(Columns.field(p + "_log10_atten_init_median", DataTypes.DoubleType, true, "median across the trials of the group of "
                    + atten + " of " + of + " gradients at step 0; null for depth 1"));
            f.add(Columns.field(p + "_log10_atten_init_p10", DataTypes.DoubleType, true,
                    "10th percentile (exact, linear interpolation) of the same across trials"));
            f.add(Columns.field(p + "_log10_atten_init_p90", DataTypes.DoubleType, true, "90th percentile of the same across trials"));
            f.add(Columns.field(p + "_log10_atten_train_median", DataTypes.DoubleType, true, "median across trials of the per-trial median of "
                    + atten + " of " + of + " gradients over its recorded steps after 0; null when no such step has both norms > 0"));
            f.add(Columns.field(p + "_log10_atten_train_p10", DataTypes.DoubleType, true, "10th percentile of the same across trials"));
            f.add(Columns.field(p + "_log10_atten_train_p90", DataTypes.DoubleType, true, "90th percentile of the same across trials"));
            f.add(Columns.field(p + "_layer_factor_init", DataTypes.DoubleType, true, "per-layer factor of " + of + " gradient norms at step 0: "
                    + "10^(" + p + "_log10_atten_init_median / (depth - 1)); 1 = kept layer to layer; null for depth 1"));
        }
        f.add(Columns.field("train_loss_median", DataTypes.DoubleType, true, "median of train_loss across the trials of the group (nulls skipped)"));
        f.add(Columns.field("test_accuracy_median", DataTypes.DoubleType, true,
                "median of test_accuracy (0 to 1) across the trials of the group (nulls skipped); chance is 1 / classes"));
        SCHEMA = DataTypes.createStructType(f);
    }

    private DepthSummary() {}

    /** The SQL text, with the axis columns filled in. */
    static String sql() { return AggregateJob.sql("depth_summary.sql"); }

    /** Computes the summary from the view {@code trial_metrics} registered in {@code spark}. */
    public static Dataset<Row> compute(SparkSession spark) {
        return Tables.conform(spark.sql(sql()), SCHEMA);
    }
}
