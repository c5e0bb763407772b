package org.gradstudy.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;


/**
 * The {@code depth_summary} table: gradient depth attenuation and outcome rates grouped by every axis,
 * computed in Spark SQL from the {@code trials} and {@code layer_stats} views (see depth_summary.sql).
 */
public final class DepthSummary {
    public static final String NAME = "depth_summary";

    private DepthSummary() {}

    /** The SQL text, with the axis columns filled in. */
    static String sql() { return AggregateJob.sql("depth_summary.sql"); }

    /** Computes the summary from the views {@code trials} and {@code layer_stats} registered in {@code spark}. */
    public static Dataset<Row> compute(SparkSession spark) {
        return spark.sql(sql());
    }
}
