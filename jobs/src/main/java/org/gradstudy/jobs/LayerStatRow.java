package org.gradstudy.jobs;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.apache.spark.unsafe.types.UTF8String;
import org.gradstudy.result.LayerStats;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One trial's {@code layer_stats} rows as Spark's internal rows ({@link LayerStatsTable#SCHEMA} order),
 * read in place from the trial's column arrays ({@link LayerStats}): one mutable row moved from row to
 * row, as Spark's own scans hand out rows: a reader takes each row's values before asking for the next
 * ({@link LayerStatsWriter} hands them to Parquet; a Spark frame copies them into its own row format). A
 * row per statistic with its values boxed in an array cost the commit a record, an array, about twenty
 * boxed numbers and two strings per row.
 */
final class LayerStatRow extends InternalRow {
    /** What each column after the trial's is: a {@link LayerStats#value} column (0-14), or one of these. */
    private static final int STEP = -1, LAYER = -2, KIND = -3, PARAM = -4, N = -5, GRAD_NONFINITE = -6, CLIPPED = -7;
    private static final int PREFIX = Columns.trialFields().size();
    private static final int[] CODES;
    private static final DataType[] TYPES;

    static {
        StructField[] fields = LayerStatsTable.SCHEMA.fields();
        CODES = new int[fields.length - PREFIX];
        TYPES = new DataType[fields.length];
        for (int i = 0; i < fields.length; i++) TYPES[i] = fields[i].dataType();
        String[] doubles = {LayerStatsTable.LOSS, LayerStatsTable.GRAD_L2, LayerStatsTable.GRAD_MEAN_ABS, LayerStatsTable.GRAD_MAX_ABS,
                LayerStatsTable.GRAD_STD, LayerStatsTable.GRAD_ZERO_FRACTION, LayerStatsTable.PARAM_L2, LayerStatsTable.UPDATE_L2,
                LayerStatsTable.UPDATE_RATIO, LayerStatsTable.ACT_MEAN, LayerStatsTable.ACT_STD, LayerStatsTable.ACT_SATURATED_FRACTION,
                LayerStatsTable.ACT_DEAD_FRACTION, LayerStatsTable.GRAD_NORM_PRE_CLIP, LayerStatsTable.GRAD_NORM_POST_CLIP};
        for (int i = PREFIX; i < fields.length; i++) {
            String name = fields[i].name();
            int code = java.util.Arrays.asList(doubles).indexOf(name);
            if (code < 0) code = switch (name) {
                case LayerStatsTable.STEP -> STEP;
                case LayerStatsTable.LAYER -> LAYER;
                case LayerStatsTable.LAYER_KIND -> KIND;
                case LayerStatsTable.PARAM -> PARAM;
                case LayerStatsTable.N -> N;
                case LayerStatsTable.GRAD_NONFINITE -> GRAD_NONFINITE;
                case LayerStatsTable.CLIPPED -> CLIPPED;
                default -> throw new IllegalStateException("layer_stats column " + name + " has no place in LayerStatRow");
            };
            CODES[i - PREFIX] = code;
        }
    }

    /** The trial's columns (study, trial_id, axes, replicate) in Spark's internal representation. */
    private final Object[] prefix;
    private final LayerStats stats;
    /** The kind and parameter names (a handful per trial) converted once each. */
    private final Map<String, UTF8String> names = new HashMap<>();
    private int row = -1;

    private LayerStatRow(Object[] prefix, LayerStats stats) {
        if (prefix.length != PREFIX) throw new IllegalArgumentException(PREFIX + " trial columns, not " + prefix.length);
        this.prefix = prefix;
        this.stats = stats;
    }

    /** {@code stats}' rows, each with the trial columns {@code prefix}; every element returned is the same row, moved on. */
    static Iterator<InternalRow> rows(Object[] prefix, LayerStats stats) {
        LayerStatRow r = new LayerStatRow(prefix, stats);
        return new Iterator<>() {
            @Override public boolean hasNext() { return r.row + 1 < stats.size(); }

            @Override public InternalRow next() {
                if (!hasNext()) throw new NoSuchElementException();
                r.row++;
                return r;
            }
        };
    }

    private int code(int ordinal) { return CODES[ordinal - PREFIX]; }

    @Override public int numFields() { return TYPES.length; }

    @Override public boolean isNullAt(int ordinal) {
        if (ordinal < PREFIX) return prefix[ordinal] == null;
        int c = code(ordinal);
        return c >= 0 && stats.isNull(row, c);
    }

    @Override public boolean getBoolean(int ordinal) {
        if (ordinal < PREFIX) return (Boolean) prefix[ordinal];
        if (code(ordinal) != CLIPPED) throw wrongType(ordinal, "boolean");
        return stats.clipped(row);
    }

    @Override public int getInt(int ordinal) {
        if (ordinal < PREFIX) return (Integer) prefix[ordinal];
        return switch (code(ordinal)) {
            case STEP -> stats.step(row);
            case LAYER -> stats.layer(row);
            default -> throw wrongType(ordinal, "int");
        };
    }

    @Override public long getLong(int ordinal) {
        if (ordinal < PREFIX) return (Long) prefix[ordinal];
        return switch (code(ordinal)) {
            case N -> stats.n(row);
            case GRAD_NONFINITE -> stats.gradNonFinite(row);
            default -> throw wrongType(ordinal, "long");
        };
    }

    @Override public double getDouble(int ordinal) {
        if (ordinal < PREFIX) return (Double) prefix[ordinal];
        int c = code(ordinal);
        if (c < 0) throw wrongType(ordinal, "double");
        return stats.value(row, c);
    }

    @Override public UTF8String getUTF8String(int ordinal) {
        if (ordinal < PREFIX) return (UTF8String) prefix[ordinal];
        return switch (code(ordinal)) {
            case KIND -> name(stats.kind(row));
            case PARAM -> name(stats.param(row));
            default -> throw wrongType(ordinal, "string");
        };
    }

    private UTF8String name(String s) {
        return s == null ? null : names.computeIfAbsent(s, UTF8String::fromString);
    }

    @Override public Object get(int ordinal, DataType type) {
        if (isNullAt(ordinal)) return null;
        if (ordinal < PREFIX) return prefix[ordinal];
        DataType t = TYPES[ordinal];
        if (t == DataTypes.DoubleType) return getDouble(ordinal);
        if (t == DataTypes.IntegerType) return getInt(ordinal);
        if (t == DataTypes.LongType) return getLong(ordinal);
        if (t == DataTypes.BooleanType) return getBoolean(ordinal);
        if (t == DataTypes.StringType) return getUTF8String(ordinal);
        throw wrongType(ordinal, type.simpleString());
    }

    /** This row's values, in a row of their own. */
    @Override public InternalRow copy() {
        Object[] values = new Object[TYPES.length];
        for (int i = 0; i < values.length; i++) values[i] = get(i, TYPES[i]);
        return new GenericInternalRow(values);
    }

    private IllegalStateException wrongType(int ordinal, String type) {
        return new IllegalStateException("layer_stats column " + LayerStatsTable.SCHEMA.fields()[ordinal].name()
                + " (" + TYPES[ordinal].simpleString() + ") read as " + type);
    }

    // Read-only, and no column of layer_stats has any of these types.
    @Override public void setNullAt(int i) { throw new UnsupportedOperationException("layer_stats rows are read-only"); }

    @Override public void update(int i, Object value) { throw new UnsupportedOperationException("layer_stats rows are read-only"); }

    @Override public byte getByte(int ordinal) { throw wrongType(ordinal, "byte"); }

    @Override public short getShort(int ordinal) { throw wrongType(ordinal, "short"); }

    @Override public float getFloat(int ordinal) { throw wrongType(ordinal, "float"); }

    @Override public Decimal getDecimal(int ordinal, int precision, int scale) { throw wrongType(ordinal, "decimal"); }

    @Override public byte[] getBinary(int ordinal) { throw wrongType(ordinal, "binary"); }

    @Override public CalendarInterval getInterval(int ordinal) { throw wrongType(ordinal, "interval"); }

    @Override public InternalRow getStruct(int ordinal, int numFields) { throw wrongType(ordinal, "struct"); }

    @Override public ArrayData getArray(int ordinal) { throw wrongType(ordinal, "array"); }

    @Override public MapData getMap(int ordinal) { throw wrongType(ordinal, "map"); }
}
