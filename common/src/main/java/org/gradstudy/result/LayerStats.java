package org.gradstudy.result;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A trial's {@link LayerStat}s, held column-wise in a handful of primitive arrays: an immutable list whose
 * {@link #get} builds the record on demand. A run keeps whole batches of results in memory until they
 * are committed, thousands of statistics per trial: as records (each with its boxed nullable fields) they
 * were millions of small live objects for every young collection to trace and copy; as columns they are
 * five arrays per trial.
 */
public final class LayerStats extends AbstractList<LayerStat> implements RandomAccess, Serializable {
    private static final long serialVersionUID = 1L;
    private static final LayerStats EMPTY = new Builder().build();
    /** Per row: ints (step, layer), longs (n, gradNonFinite), names (kind, param), 15 doubles, one flag byte. */
    private static final int INTS = 2, LONGS = 2, NAMES = 2, DOUBLES = 15;
    /** Flag bits: bit 0 clipped, bits 1-5 "is null" for updateRatio, actMean, actStd, actSaturated, actDead. */
    private static final int CLIPPED = 1, FIRST_NULL_BIT = 1;

    private int size;
    private final int[] ints;
    private final long[] longs;
    private final String[] names;
    private final double[] doubles;
    private final byte[] flags;

    /** The first {@code from.size} rows of {@code from} (null: none) in arrays of {@code capacity} rows. */
    private LayerStats(LayerStats from, int capacity) {
        size = from == null ? 0 : from.size;
        ints = from == null ? new int[capacity * INTS] : Arrays.copyOf(from.ints, capacity * INTS);
        longs = from == null ? new long[capacity * LONGS] : Arrays.copyOf(from.longs, capacity * LONGS);
        names = from == null ? new String[capacity * NAMES] : Arrays.copyOf(from.names, capacity * NAMES);
        doubles = from == null ? new double[capacity * DOUBLES] : Arrays.copyOf(from.doubles, capacity * DOUBLES);
        flags = from == null ? new byte[capacity] : Arrays.copyOf(from.flags, capacity);
    }

    /** The empty list. */
    public static LayerStats of() { return EMPTY; }

    /** {@code stats} itself when it is already a {@code LayerStats}, else a compact copy. */
    public static LayerStats copyOf(List<LayerStat> stats) {
        if (stats instanceof LayerStats s) return s;
        Builder b = new Builder();
        for (LayerStat s : stats) b.add(s);
        return b.build();
    }

    @Override public int size() { return size; }

    @Override public LayerStat get(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("index " + i + ", size " + size);
        int d = i * DOUBLES;
        double[] v = doubles;
        byte f = flags[i];
        return new LayerStat(ints[i * INTS], ints[i * INTS + 1], names[i * NAMES], names[i * NAMES + 1], v[d],
                longs[i * LONGS], v[d + 1], v[d + 2], v[d + 3], v[d + 4], v[d + 5], longs[i * LONGS + 1], v[d + 6], v[d + 7],
                nullable(f, 0, v[d + 8]), nullable(f, 1, v[d + 9]), nullable(f, 2, v[d + 10]), nullable(f, 3, v[d + 11]),
                nullable(f, 4, v[d + 12]), v[d + 13], v[d + 14], (f & CLIPPED) != 0);
    }

    // Column-wise reads of row i, without building its record (the commit's rows read the arrays through these).

    /** Row {@code i}'s step. */
    public int step(int i) { return ints[check(i) * INTS]; }

    /** Row {@code i}'s layer. */
    public int layer(int i) { return ints[check(i) * INTS + 1]; }

    /** Row {@code i}'s layer kind. */
    public String kind(int i) { return names[check(i) * NAMES]; }

    /** Row {@code i}'s parameter. */
    public String param(int i) { return names[check(i) * NAMES + 1]; }

    /** Row {@code i}'s element count. */
    public long n(int i) { return longs[check(i) * LONGS]; }

    /** Row {@code i}'s count of non-finite gradient elements. */
    public long gradNonFinite(int i) { return longs[check(i) * LONGS + 1]; }

    /**
     * Row {@code i}'s double {@code column}, 0-14 in the order of {@link LayerStat}'s double and nullable
     * components (loss, gradL2, ..., updateRatio = 8, ..., actDead = 12, gradNormPreClip, gradNormPostClip);
     * 0 for a null ({@link #isNull}).
     */
    public double value(int i, int column) {
        if (column < 0 || column >= DOUBLES) throw new IndexOutOfBoundsException("column " + column + " of " + DOUBLES);
        return doubles[check(i) * DOUBLES + column];
    }

    /** Whether row {@code i}'s double {@code column} ({@link #value}) is null: only the nullable ones, 8-12, can be. */
    public boolean isNull(int i, int column) {
        return column >= 8 && column <= 12 && (flags[check(i)] & (1 << (FIRST_NULL_BIT + column - 8))) != 0;
    }

    /** Whether clipping changed the gradient at row {@code i}'s step. */
    public boolean clipped(int i) { return (flags[check(i)] & CLIPPED) != 0; }

    private int check(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("index " + i + ", size " + size);
        return i;
    }

    private static Double nullable(byte flags, int column, double value) {
        return (flags & (1 << (FIRST_NULL_BIT + column))) != 0 ? null : value;
    }

    /** This list when it has room for one more row, else a larger copy. */
    private LayerStats roomForOne() {
        return size < flags.length ? this : new LayerStats(this, Math.max(16, 2 * flags.length));
    }

    /** Stores nullable column {@code column} (0-4) of the row at {@code v[d]}; returns its "is null" flag bit. */
    private static int put(double[] v, int d, int column, Double x) {
        if (x == null) return 1 << (FIRST_NULL_BIT + column);
        v[d + 8 + column] = x;
        return 0;
    }

    /**
     * Mark a row's nullable values null ({@link Builder#add(int, int, String, String, double[], long, long, int, boolean)}):
     * the update ratio, the activations' mean, standard deviation, saturated and dead fractions; all four
     * activation statistics.
     */
    public static final int NULL_UPDATE_RATIO = 1 << FIRST_NULL_BIT, NULL_ACT_MEAN = 2 << FIRST_NULL_BIT, NULL_ACT_STD = 4 << FIRST_NULL_BIT,
            NULL_ACT_SATURATED = 8 << FIRST_NULL_BIT, NULL_ACT_DEAD = 16 << FIRST_NULL_BIT,
            NULL_ACTIVATIONS = NULL_ACT_MEAN | NULL_ACT_STD | NULL_ACT_SATURATED | NULL_ACT_DEAD;

    /** Collects statistics in order; {@link #build} returns them as an immutable, exactly sized list. */
    public static final class Builder {
        private LayerStats rows = new LayerStats(null, 0);

        public Builder add(LayerStat s) {
            LayerStats t = rows = rows.roomForOne();
            int d = t.size * DOUBLES;
            double[] v = t.doubles;
            v[d] = s.loss();
            v[d + 1] = s.gradL2();
            v[d + 2] = s.gradMeanAbs();
            v[d + 3] = s.gradMaxAbs();
            v[d + 4] = s.gradStd();
            v[d + 5] = s.gradZeroFraction();
            v[d + 6] = s.paramL2();
            v[d + 7] = s.updateL2();
            int nulls = put(v, d, 0, s.updateRatio()) | put(v, d, 1, s.actMean()) | put(v, d, 2, s.actStd())
                    | put(v, d, 3, s.actSaturated()) | put(v, d, 4, s.actDead());
            v[d + 13] = s.gradNormPreClip();
            v[d + 14] = s.gradNormPostClip();
            return row(t, s.step(), s.layer(), s.kind(), s.param(), s.n(), s.gradNonFinite(), nulls, s.clipped());
        }

        /**
         * Adds a row without building its record: {@code values} holds its 15 doubles in the order of
         * {@link LayerStat}'s double and nullable components (loss, gradL2, gradMeanAbs, gradMaxAbs, gradStd,
         * gradZeroFraction, paramL2, updateL2, updateRatio, actMean, actStd, actSaturated, actDead,
         * gradNormPreClip, gradNormPostClip; copied, so it can be reused), and {@code nulls} the nullable ones
         * that are null ({@link #NULL_UPDATE_RATIO}, {@link #NULL_ACT_MEAN}, ...). For the probe's every
         * recorded row: a record's boxed fields cost allocations the JIT does not remove there.
         */
        public Builder add(int step, int layer, String kind, String param, double[] values, long n, long gradNonFinite, int nulls, boolean clipped) {
            if (values.length != DOUBLES) throw new IllegalArgumentException(DOUBLES + " values per row, not " + values.length);
            LayerStats t = rows = rows.roomForOne();
            int d = t.size * DOUBLES;
            System.arraycopy(values, 0, t.doubles, d, DOUBLES);
            for (int c = 0; c < 5; c++) if ((nulls & (1 << (FIRST_NULL_BIT + c))) != 0) t.doubles[d + 8 + c] = 0; // as a record's null is stored
            return row(t, step, layer, kind, param, n, gradNonFinite, nulls & (NULL_UPDATE_RATIO | NULL_ACTIVATIONS), clipped);
        }

        private Builder row(LayerStats t, int step, int layer, String kind, String param, long n, long gradNonFinite, int nulls, boolean clipped) {
            int i = t.size++;
            t.ints[i * INTS] = step;
            t.ints[i * INTS + 1] = layer;
            t.names[i * NAMES] = kind;
            t.names[i * NAMES + 1] = param;
            t.longs[i * LONGS] = n;
            t.longs[i * LONGS + 1] = gradNonFinite;
            t.flags[i] = (byte) ((clipped ? CLIPPED : 0) | nulls);
            return this;
        }

        /** The statistics added so far; the builder can go on adding without changing the returned list. */
        public LayerStats build() { return new LayerStats(rows, rows.size); }
    }
}
