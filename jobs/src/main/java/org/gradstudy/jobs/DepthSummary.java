package org.gradstudy.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code depth_summary} table: gradient depth attenuation and outcome rates grouped by every axis,
 * computed in Spark SQL from the {@code trials} and {@code layer_stats} views (see depth_summary.sql).
 */
public final class DepthSummary {
    public static final String NAME = "depth_summary";

    private DepthSummary() {}

    /** The SQL text, with the axis columns filled in. */
    static String sql() {
        try (InputStream in = DepthSummary.class.getResourceAsStream("depth_summary.sql")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.replace("${t.axes}", Columns.axisList("t.")).replace("${axes}", Columns.axisList(""));
        } catch (IOException e) {
            throw new IllegalStateException("depth_summary.sql is missing from the jar", e);
        }
    }

    /** Computes the summary from the views {@code trials} and {@code layer_stats} registered in {@code spark}. */
    public static Dataset<Row> compute(SparkSession spark) {
        return spark.sql(sql());
    }
}
