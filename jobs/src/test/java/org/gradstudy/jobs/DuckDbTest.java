package org.gradstudy.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gradstudy.study.Axis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The warehouse read by a second engine: DuckDB reads the Parquet files as any user would
 * ({@code read_parquet(..., hive_partitioning = true)}), finds the rows Spark finds, recomputes Spark's
 * derived tables from the base tables in its own SQL, and gives the same rows for the named queries.
 *
 * <p>Doubles agree to 1e-9 relative, not exactly: both engines read the same floating-point inputs but
 * sum, interpolate and take logarithms in their own order and with their own math library, which moves
 * the last bits. Below 1e-3 the bound is 1e-12 absolute: an interpolation between values of opposite
 * sign lands near 0, where a last-bit difference of its operands is large relative to the result.
 */
class DuckDbTest {
    static SparkSession spark;
    static Warehouse wh;
    static Connection duck;
    static List<String> tables;

    @BeforeAll static void start() throws SQLException {
        spark = SparkTestSession.create("DuckDbTest");
        wh = TinyWarehouse.get(spark);
        tables = SqlJob.registerViews(spark, wh);
        duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = duck.createStatement()) {
            for (String t : tables)
                // hive_types_autocast = false keeps study a string, as Spark's settings do (a study may be named 2024).
                st.execute("CREATE VIEW " + t + " AS SELECT * FROM read_parquet('" + wh.table(t) + "/**/*.parquet', "
                        + "hive_partitioning = true, hive_types_autocast = false)");
            // The one Spark function the named queries use that DuckDB spells differently.
            st.execute("CREATE MACRO unix_millis(ts) AS epoch_ms(ts)");
        }
    }

    @AfterAll static void stop() throws SQLException {
        duck.close();
        spark.stop();
    }

    @Test
    void everyTableHasTheSameRowsPerStudyInBothEngines() throws SQLException {
        assertEquals(List.of("claims", "depth_summary", "layer_profile", "layer_stats", "runs", "technique_depth",
                "technique_effects", "theory", "trial_metrics", "trials"), tables);
        for (String t : tables) {
            String sql = "SELECT study, count(*) AS n FROM " + t + " GROUP BY study ORDER BY study";
            List<List<Object>> s = spark(sql), d = duck(sql);
            assertEquals(s, d, t);
            // Study 2024 varies no axis, so the per-axis tables have no rows of it.
            if (!List.of("technique_depth", "layer_profile", "technique_effects").contains(t)) assertEquals("2024", s.get(0).get(0), t);
        }
        assertEquals(List.of(List.of("VARCHAR")), duck("SELECT DISTINCT typeof(study) FROM trials"));
    }

    /**
     * A table Spark derives, recomputed by DuckDB from the base tables: {@code duckSql} returns the
     * {@code keys} columns and value columns named as in the table; every value must agree. Adding an
     * aggregate table to the check is adding one entry to {@link #DERIVED}.
     */
    record Derived(String table, List<String> keys, String duckSql) {}

    static final List<String> STUDY_AND_AXES = new ArrayList<>();

    static {
        STUDY_AND_AXES.add("study");
        Axis.ordered().forEach(a -> STUDY_AND_AXES.add(a.column()));
    }

    static final String AXES = String.join(", ", Axis.ordered().stream().map(a -> "t." + a.column()).toList());

    /** Per-trial step-0 and training attenuations in DuckDB's SQL: CTEs ends, atten, per_trial. */
    static final String ATTEN = """
            WITH ends AS (
              SELECT f.study, f.trial_id, f.step, f.param, f.grad_l2 AS g_first, l.grad_l2 AS g_last
              FROM layer_stats f
              JOIN layer_stats l ON l.study = f.study AND l.trial_id = f.trial_id AND l.step = f.step
                                AND l.param = f.param AND l.layer = l.depth AND l.layer_kind = 'hidden'
              WHERE f.layer = 1 AND f.layer_kind = 'hidden' AND f.depth >= 2
            ),
            atten AS (
              SELECT study, trial_id, step, param, CASE WHEN g_first > 0 AND g_last > 0 THEN log10(g_first / g_last) END AS r
              FROM ends
            ),
            per_trial AS (
              SELECT study, trial_id,
                     max(r) FILTER (WHERE param = 'W' AND step = 0) AS w_init,
                     max(r) FILTER (WHERE param = 'b' AND step = 0) AS b_init,
                     quantile_cont(r, 0.5) FILTER (WHERE param = 'b' AND step > 0) AS b_train
              FROM atten
              GROUP BY study, trial_id
            )
            """;

    static final List<Derived> DERIVED = List.of(
            // depth_summary: attenuation from a self-join of the first and last hidden layers (Spark pivots instead).
            new Derived(DepthSummary.NAME, STUDY_AND_AXES, """
                    WITH ends AS (
                      SELECT f.study, f.trial_id, f.step, f.param, f.grad_l2 AS g_first, l.grad_l2 AS g_last
                      FROM layer_stats f
                      JOIN layer_stats l ON l.study = f.study AND l.trial_id = f.trial_id AND l.step = f.step
                                        AND l.param = f.param AND l.layer = l.depth AND l.layer_kind = 'hidden'
                      WHERE f.layer = 1 AND f.layer_kind = 'hidden' AND f.depth >= 2
                    ),
                    atten AS (  -- log10 only where defined: DuckDB raises an error for log10(0), Spark returns null
                      SELECT study, trial_id, step, param,
                             CASE WHEN g_first > 0 AND g_last > 0 THEN log10(g_first / g_last) END AS r
                      FROM ends
                    ),
                    per_trial AS (
                      SELECT study, trial_id,
                             max(r) FILTER (WHERE param = 'W' AND step = 0) AS w_init,
                             max(r) FILTER (WHERE param = 'b' AND step = 0) AS b_init,
                             quantile_cont(r, 0.5) FILTER (WHERE param = 'b' AND step > 0) AS b_train
                      FROM atten
                      GROUP BY study, trial_id
                    )
                    SELECT t.study, ${axes},
                           count(*) AS trials,
                           avg(CASE WHEN t.status = 'ok' THEN 1 ELSE 0 END) AS ok_rate,
                           avg(CASE WHEN t.status = 'diverged' THEN 1 ELSE 0 END) AS diverged_rate,
                           quantile_cont(p.w_init, 0.5) AS w_log10_atten_init_median,
                           quantile_cont(p.b_init, 0.5) AS b_log10_atten_init_median,
                           quantile_cont(p.b_init, 0.1) AS b_log10_atten_init_p10,
                           quantile_cont(p.b_init, 0.9) AS b_log10_atten_init_p90,
                           quantile_cont(p.b_train, 0.5) AS b_log10_atten_train_median,
                           power(10, quantile_cont(p.b_init, 0.5) / (t.depth - 1)) AS b_layer_factor_init,
                           quantile_cont(t.test_accuracy, 0.5) AS test_accuracy_median
                    FROM trials t LEFT JOIN per_trial p ON p.study = t.study AND p.trial_id = t.trial_id
                    GROUP BY t.study, ${axes}
                    """.replace("${axes}", AXES)),
            // trial_metrics: the per-trial attenuations, from the same self-join.
            new Derived(AggregateJob.TRIAL_METRICS, List.of("study", "trial_id"), ATTEN + """
                    SELECT t.study, t.trial_id, p.w_init AS w_log10_atten_init, p.b_init AS b_log10_atten_init,
                           p.b_train AS b_log10_atten_train,
                           CASE WHEN t.depth >= 2 THEN power(10, p.b_init / (t.depth - 1)) END AS b_layer_factor_init
                    FROM trials t LEFT JOIN per_trial p ON p.study = t.study AND p.trial_id = t.trial_id
                    """),
            // technique_depth: long form over the varied axes; the tiny studies vary activation and clipping.
            new Derived(AggregateJob.TECHNIQUE_DEPTH, List.of("study", "axis", "value", "depth"), ATTEN + """
                    SELECT t.study, 'activation' AS axis, t.activation AS value, t.depth, count(*) AS trials,
                           count(DISTINCT t.replicate) AS seeds,
                           quantile_cont(p.b_init, 0.5) AS b_log10_atten_init_median,
                           quantile_cont(p.b_init, 0.1) AS b_log10_atten_init_p10,
                           quantile_cont(p.b_init, 0.9) AS b_log10_atten_init_p90,
                           quantile_cont(p.w_init, 0.5) AS w_log10_atten_init_median,
                           avg(CASE WHEN t.status = 'diverged' THEN 1 ELSE 0 END) AS diverged_rate,
                           quantile_cont(t.test_accuracy, 0.5) AS test_accuracy_median
                    FROM trials t LEFT JOIN per_trial p ON p.study = t.study AND p.trial_id = t.trial_id
                    WHERE t.study IN (SELECT study FROM trials GROUP BY study HAVING count(DISTINCT activation) > 1)
                    GROUP BY t.study, t.activation, t.depth
                    UNION ALL
                    SELECT t.study, 'clipping' AS axis, t.clipping AS value, t.depth, count(*) AS trials,
                           count(DISTINCT t.replicate) AS seeds,
                           quantile_cont(p.b_init, 0.5) AS b_log10_atten_init_median,
                           quantile_cont(p.b_init, 0.1) AS b_log10_atten_init_p10,
                           quantile_cont(p.b_init, 0.9) AS b_log10_atten_init_p90,
                           quantile_cont(p.w_init, 0.5) AS w_log10_atten_init_median,
                           avg(CASE WHEN t.status = 'diverged' THEN 1 ELSE 0 END) AS diverged_rate,
                           quantile_cont(t.test_accuracy, 0.5) AS test_accuracy_median
                    FROM trials t LEFT JOIN per_trial p ON p.study = t.study AND p.trial_id = t.trial_id
                    WHERE t.study IN (SELECT study FROM trials GROUP BY study HAVING count(DISTINCT clipping) > 1)
                    GROUP BY t.study, t.clipping, t.depth
                    """));


    @Test
    void derivedTablesEqualTheirRecomputationFromTheBaseTablesInDuckDb() throws SQLException {
        for (Derived d : DERIVED) {
            Map<List<Object>, Map<String, Object>> fromDuck = new HashMap<>();
            List<String> columns;
            try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(d.duckSql())) {
                columns = columns(rs.getMetaData());
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 0; i < columns.size(); i++) row.put(columns.get(i), duckValue(rs.getObject(i + 1)));
                    fromDuck.put(d.keys().stream().map(row::get).toList(), row);
                }
            }
            List<Row> fromSpark = spark.read().parquet(wh.table(d.table())).selectExpr(columns.toArray(String[]::new)).collectAsList();
            assertEquals(fromSpark.size(), fromDuck.size(), d.table() + ": rows");
            int compared = 0;
            for (Row r : fromSpark) {
                Map<String, Object> s = new HashMap<>();
                for (int i = 0; i < columns.size(); i++) s.put(columns.get(i), sparkValue(r.get(i)));
                List<Object> key = d.keys().stream().map(s::get).toList();
                Map<String, Object> dk = fromDuck.get(key);
                if (dk == null) fail(d.table() + ": DuckDB has no group " + key);
                for (String c : columns) {
                    assertTrue(same(s.get(c), dk.get(c)), d.table() + " " + key + " " + c + ": Spark " + s.get(c) + ", DuckDB " + dk.get(c));
                    if (s.get(c) != null) compared++;
                }
            }
            assertTrue(compared > fromSpark.size() * columns.size() / 2, d.table() + ": mostly non-null values compared");
        }
    }

    @Test
    void theNamedQueriesGiveTheSameRowsInBothEngines() throws Exception {
        for (SqlJob.Named n : SqlJob.list(SqlJob.queriesDir())) {
            String sql = SqlJob.named(SqlJob.queriesDir(), n.name()).statements().get(0).text();
            List<String> sparkColumns = Arrays.asList(spark.sql(sql).columns());
            List<List<Object>> s = spark(sql);
            List<List<Object>> d;
            List<String> duckColumns;
            try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(Files.readString(n.file()))) {
                duckColumns = columns(rs.getMetaData());
                d = rows(rs);
            }
            assertEquals(sparkColumns, duckColumns, n.name());
            assertEquals(s.size(), d.size(), n.name() + ": rows");
            assertFalse(s.isEmpty(), n.name());
            for (int i = 0; i < s.size(); i++)
                for (int j = 0; j < sparkColumns.size(); j++)
                    assertTrue(same(s.get(i).get(j), d.get(i).get(j)), n.name() + " row " + (i + 1) + " " + sparkColumns.get(j)
                            + ": Spark " + s.get(i) + "\nDuckDB " + d.get(i));
        }
    }

    // ---- The two engines' values, made comparable ----

    static List<List<Object>> spark(String sql) {
        List<List<Object>> out = new ArrayList<>();
        for (Row r : spark.sql(sql).collectAsList()) {
            List<Object> row = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) row.add(sparkValue(r.get(i)));
            out.add(row);
        }
        return out;
    }

    static List<List<Object>> duck(String sql) throws SQLException {
        try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rows(rs);
        }
    }

    static List<List<Object>> rows(ResultSet rs) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        List<List<Object>> out = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) row.add(duckValue(rs.getObject(i)));
            out.add(row);
        }
        return out;
    }

    static List<String> columns(ResultSetMetaData md) throws SQLException {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) out.add(md.getColumnLabel(i));
        return out;
    }

    /** Spark's Timestamp is an instant (the session time zone is UTC); integers become Long. */
    static Object sparkValue(Object v) {
        if (v instanceof Timestamp t) return t.toInstant();
        return integral(v);
    }

    /** DuckDB reads Spark's timestamps as UTC wall-clock times; its sums can be HUGEINT (BigInteger). */
    static Object duckValue(Object v) {
        if (v instanceof Timestamp t) return t.toLocalDateTime().toInstant(ZoneOffset.UTC);
        return integral(v);
    }

    static Object integral(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof BigInteger b) return b.longValueExact();
        return v;
    }

    static boolean same(Object a, Object b) {
        if (a == null || b == null) return a == b;
        if (a instanceof Number x && b instanceof Number y) {
            if (a instanceof Long && b instanceof Long) return a.equals(b);
            double p = x.doubleValue(), q = y.doubleValue();
            if (Double.isNaN(p) || Double.isNaN(q) || Double.isInfinite(p) || Double.isInfinite(q)) return Double.compare(p, q) == 0;
            double tolerance = 1e-9 * Math.max(1e-3, Math.max(Math.abs(p), Math.abs(q)));
            // depth_summary's rates are DECIMAL(6,5): Spark rounded them to 5 decimals, DuckDB did not.
            for (Object o : new Object[] {a, b}) if (o instanceof BigDecimal d) tolerance = Math.max(tolerance, 0.5 * Math.pow(10, -d.scale()));
            return Math.abs(p - q) <= tolerance;
        }
        if (a instanceof Instant || b instanceof Instant) return a.equals(b);
        return a.equals(b);
    }
}
