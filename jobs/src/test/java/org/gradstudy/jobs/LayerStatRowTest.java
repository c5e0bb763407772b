package org.gradstudy.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.unsafe.types.UTF8String;
import org.gradstudy.result.LayerStat;
import org.gradstudy.result.LayerStats;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.TrialStatus;
import org.gradstudy.study.Expander;
import org.gradstudy.study.StudyParser;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A trial's layer_stats rows read in place from its column arrays are, column by column, the trial's columns and its records. */
class LayerStatRowTest {

    static TrialConfig trial() {
        return Expander.expand(StudyParser.parse("""
                name = rows
                axes { activation = [tanh], depth = [3], width = [8] }
                training { steps = 4, batch-size = 8, samples = 64, dataset = spirals }
                """, "rows.conf", "rows")).trials().get(0);
    }

    /** Rows with every nullable column null somewhere, clipping on and off, NaN, infinity and -0.0. */
    static List<LayerStat> records() {
        List<LayerStat> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Double maybe = i % 3 == 0 ? null : 0.5 * i;
            double odd = switch (i % 4) { case 0 -> Double.NaN; case 1 -> Double.NEGATIVE_INFINITY; case 2 -> -0.0; default -> 1e-300 * i; };
            out.add(new LayerStat(i / 4, i % 4 + 1, i % 4 == 3 ? "output" : "hidden", i % 2 == 0 ? "W" : "b", 1.5 + i, 64L * i + 8,
                    odd, 0.1 * i, 0.2 * i, 0.3 * i, 0.125 * (i % 8), i % 5, 10.0 + i, 0.01 * i, i % 2 == 0 ? null : 1e-3 * i,
                    maybe, maybe == null ? null : 2 * maybe, i % 4 == 1 ? null : 0.25, i % 5 == 0 ? null : 0.75, 3.0 + i, 2.0 + i, i % 3 == 1));
        }
        return out;
    }

    static TrialResult result(TrialConfig t, List<LayerStat> stats) {
        return new TrialResult(t, TrialStatus.OK, null, null, null, 0, 4, 1.0, 0.5, 1.0, 0.5, 100, 10, "test", "v", stats);
    }

    /** The values a row must hold, in Spark's internal representation: what the boxed row of a record held. */
    static Object[] expected(TrialConfig t, LayerStat s) {
        List<Object> v = new ArrayList<>();
        for (Object o : Columns.trialValues(t)) v.add(o instanceof String str ? UTF8String.fromString(str) : o);
        v.addAll(java.util.Arrays.asList(s.step(), s.layer(), UTF8String.fromString(s.kind()), UTF8String.fromString(s.param()), s.loss(), s.n(),
                s.gradL2(), s.gradMeanAbs(), s.gradMaxAbs(), s.gradStd(), s.gradZeroFraction(), s.gradNonFinite(), s.paramL2(), s.updateL2(),
                s.updateRatio(), s.actMean(), s.actStd(), s.actSaturated(), s.actDead(), s.gradNormPreClip(), s.gradNormPostClip(), s.clipped()));
        return v.toArray();
    }

    @Test
    void everyColumnIsTheTrialsOrTheRecordsValue() {
        TrialConfig t = trial();
        List<LayerStat> records = records();
        Iterator<InternalRow> rows = LayerStatsTable.toInternalRows(result(t, records));
        StructField[] fields = LayerStatsTable.SCHEMA.fields();
        InternalRow first = null;
        for (int i = 0; i < records.size(); i++) {
            assertTrue(rows.hasNext());
            InternalRow row = rows.next();
            if (first == null) first = row;
            assertSame(first, row, "one row moved from statistic to statistic");
            assertEquals(fields.length, row.numFields());
            Object[] want = expected(t, records.get(i));
            InternalRow copy = row.copy();
            for (int c = 0; c < fields.length; c++) {
                assertEquals(want[c] == null, row.isNullAt(c), fields[c].name() + " of row " + i);
                assertEquals(want[c], row.get(c, fields[c].dataType()), fields[c].name() + " of row " + i);
                assertEquals(want[c], copy.get(c, fields[c].dataType()), fields[c].name() + " of the copy of row " + i);
                if (want[c] instanceof Double d) assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(row.getDouble(c)));
            }
        }
        assertFalse(rows.hasNext());
        assertThrows(java.util.NoSuchElementException.class, rows::next);
    }

    @Test
    void aColumnReadAsAnotherTypeNamesTheColumn() {
        InternalRow row = LayerStatsTable.toInternalRows(result(trial(), records())).next();
        int step = LayerStatsTable.SCHEMA.fieldIndex(LayerStatsTable.STEP);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> row.getDouble(step));
        assertEquals("layer_stats column step (int) read as double", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> row.setNullAt(step));
    }

    /** Through Spark: the frame the commit writes holds the same values, nulls and -0.0 included. */
    @Test
    void sparkReadsTheSameRows() {
        SparkSession spark = SparkTestSession.create("LayerStatRowTest");
        try {
            TrialConfig t = trial();
            List<LayerStat> records = records();
            List<Row> rows = spark.internalCreateDataFrame(
                    org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
                            .parallelize(List.of(result(t, records)), 1).flatMap(LayerStatsTable::toInternalRows).rdd(),
                    LayerStatsTable.SCHEMA, false).collectAsList();
            assertEquals(records.size(), rows.size());
            StructField[] fields = LayerStatsTable.SCHEMA.fields();
            for (int i = 0; i < rows.size(); i++) {
                Object[] want = expected(t, records.get(i));
                for (int c = 0; c < fields.length; c++) {
                    Object w = want[c] instanceof UTF8String u ? u.toString() : want[c];
                    assertEquals(w, rows.get(i).get(c), fields[c].name() + " of row " + i);
                    if (fields[c].dataType() == DataTypes.DoubleType && w != null)
                        assertEquals(Double.doubleToRawLongBits((Double) w), Double.doubleToRawLongBits(rows.get(i).getDouble(c)));
                }
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void aTrialWithoutStatisticsHasNoRows() {
        assertFalse(LayerStatsTable.toInternalRows(result(trial(), LayerStats.of())).hasNext());
    }
}
