package org.gradstudy.result;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The column-wise list gives back exactly the records it was given: every field, nulls, NaN and infinities. */
class LayerStatsTest {

    /** A record whose every field differs from its neighbours', with nulls where {@code i} selects them. */
    static LayerStat stat(int i) {
        Double maybe = i % 3 == 0 ? null : i * 0.25;
        double odd = switch (i % 4) { case 0 -> Double.NaN; case 1 -> Double.POSITIVE_INFINITY; case 2 -> -0.0; default -> 1e-300 * i; };
        return new LayerStat(i / 7, i % 7 + 1, i % 2 == 0 ? "hidden" : "output", i % 5 == 0 ? "b" : "W", 2.5 + i,
                4096L * i + 1, odd, 0.1 * i, 0.2 * i, 0.3 * i, 1.0 / (i + 1), i % 11, 1e3 + i, 1e-3 * i,
                i % 2 == 0 ? null : 1e-4 * i, maybe, maybe == null ? null : -maybe, i % 4 == 0 ? null : 0.01 * i,
                i % 5 == 0 ? null : Double.NaN, 5.0 + i, 4.0 + i, i % 3 == 1);
    }

    static List<LayerStat> records(int n) {
        List<LayerStat> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(stat(i));
        return out;
    }

    @Test
    void givesBackEveryRecordExactly() {
        List<LayerStat> records = records(100); // past the builder's first growths (16, 32, 64)
        LayerStats.Builder b = new LayerStats.Builder();
        records.forEach(b::add);
        LayerStats stats = b.build();
        assertEquals(100, stats.size());
        for (int i = 0; i < records.size(); i++) assertEquals(records.get(i), stats.get(i), "row " + i);
        assertEquals(records, stats);
        assertEquals(records.hashCode(), stats.hashCode());
    }

    /** The column-wise reads of a row (what the commit writes from) are its record's fields, nulls as flags, bit for bit. */
    @Test
    void columnWiseReadsAreTheRecordsFields() {
        List<LayerStat> records = records(40);
        LayerStats stats = LayerStats.copyOf(records);
        for (int i = 0; i < records.size(); i++) {
            LayerStat r = records.get(i);
            assertEquals(r.step(), stats.step(i));
            assertEquals(r.layer(), stats.layer(i));
            assertEquals(r.kind(), stats.kind(i));
            assertEquals(r.param(), stats.param(i));
            assertEquals(r.n(), stats.n(i));
            assertEquals(r.gradNonFinite(), stats.gradNonFinite(i));
            assertEquals(r.clipped(), stats.clipped(i));
            Double[] values = {r.loss(), r.gradL2(), r.gradMeanAbs(), r.gradMaxAbs(), r.gradStd(), r.gradZeroFraction(), r.paramL2(),
                    r.updateL2(), r.updateRatio(), r.actMean(), r.actStd(), r.actSaturated(), r.actDead(), r.gradNormPreClip(), r.gradNormPostClip()};
            for (int c = 0; c < values.length; c++) {
                assertEquals(values[c] == null, stats.isNull(i, c), "row " + i + " column " + c);
                if (values[c] != null)
                    assertEquals(Double.doubleToRawLongBits(values[c]), Double.doubleToRawLongBits(stats.value(i, c)), "row " + i + " column " + c);
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> stats.step(40));
        assertThrows(IndexOutOfBoundsException.class, () -> stats.value(0, 15));
    }

    /**
     * Rows added from their values are the rows the records give: with the update ratio, the activations or the
     * dead fraction alone null (whatever the values array holds there), with NaN, infinities and -0.0, and with one values array reused.
     */
    @Test
    void rowsAddedFromValuesAreTheRecordsRows() {
        LayerStats.Builder fromRecords = new LayerStats.Builder(), fromValues = new LayerStats.Builder();
        double[] v = new double[15];
        for (int i = 0; i < 40; i++) {
            LayerStat r = stat(i);
            boolean noRatio = i % 2 == 0, noActs = i % 3 == 0, noDead = i % 5 == 1; // activations: all null, or dead alone
            Double a = noActs ? null : r.gradL2(); // NaN, an infinity, -0.0 or a tiny value
            LayerStat joint = new LayerStat(r.step(), r.layer(), r.kind(), r.param(), r.loss(), r.n(), r.gradL2(), r.gradMeanAbs(),
                    r.gradMaxAbs(), r.gradStd(), r.gradZeroFraction(), r.gradNonFinite(), r.paramL2(), r.updateL2(),
                    noRatio ? null : 1e-4 * i, a, noActs ? null : -0.5 * i, noActs ? null : 0.01 * i, noActs || noDead ? null : 1.0,
                    r.gradNormPreClip(), r.gradNormPostClip(), r.clipped());
            fromRecords.add(joint);
            double[] values = {r.loss(), r.gradL2(), r.gradMeanAbs(), r.gradMaxAbs(), r.gradStd(), r.gradZeroFraction(), r.paramL2(),
                    r.updateL2(), noRatio ? 42 : 1e-4 * i, noActs ? 42 : a, noActs ? 42 : -0.5 * i, noActs ? 42 : 0.01 * i,
                    noActs ? 42 : 1.0, r.gradNormPreClip(), r.gradNormPostClip()};
            System.arraycopy(values, 0, v, 0, 15);
            fromValues.add(r.step(), r.layer(), r.kind(), r.param(), v, r.n(), r.gradNonFinite(),
                    (noRatio ? LayerStats.NULL_UPDATE_RATIO : 0) | (noActs ? LayerStats.NULL_ACTIVATIONS : 0)
                            | (noDead ? LayerStats.NULL_ACT_DEAD : 0), r.clipped());
        }
        assertEquals(fromRecords.build(), fromValues.build());
        assertEquals(fromRecords.build().hashCode(), fromValues.build().hashCode());
        assertThrows(IllegalArgumentException.class, () -> fromValues.add(0, 1, "hidden", "W", new double[14], 1, 0, 0, false));
    }

    @Test
    void aBuiltListDoesNotChangeWhenTheBuilderGoesOn() {
        LayerStats.Builder b = new LayerStats.Builder();
        records(10).forEach(b::add);
        LayerStats first = b.build();
        b.add(stat(10));
        assertEquals(records(10), first);
        assertEquals(records(11), b.build());
    }

    @Test
    void isImmutableAndCopyOfKeepsACompactList() {
        LayerStats stats = LayerStats.copyOf(records(5));
        assertEquals(records(5), stats);
        assertSame(stats, LayerStats.copyOf(stats));
        assertThrows(UnsupportedOperationException.class, () -> stats.add(stat(0)));
        assertThrows(IndexOutOfBoundsException.class, () -> stats.get(5));
        assertEquals(List.of(), LayerStats.of());
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        LayerStats stats = LayerStats.copyOf(records(40));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(stats);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(records(40), in.readObject());
        }
    }
}
