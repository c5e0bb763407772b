package org.gradstudy.engine;

import org.gradstudy.study.Activation;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The one-pass, branch-free activation statistics against a plain two-pass reading of every entry. */
class ActivationStatsTest {

    /** The reference: mean, then the deviations (two passes); counts by plain tests on every entry. */
    private static ActivationStats reference(double[][] a, Activation kind) {
        int rows = a.length, cols = a[0].length;
        double n = (double) rows * cols, sum = 0, dev = 0;
        for (double[] r : a) for (double x : r) sum += x;
        double mean = sum / n;
        for (double[] r : a) for (double x : r) dev += (x - mean) * (x - mean);
        long sat = 0;
        for (double[] r : a)
            for (double x : r)
                if (kind == Activation.TANH ? Math.abs(x) > 0.99 : x < 0.01 || x > 0.99) sat++;
        int dead = 0;
        for (int j = 0; j < cols; j++) {
            boolean alive = false;
            for (double[] r : a) alive |= r[j] > 0;
            if (!alive) dead++;
        }
        return new ActivationStats(mean, Math.sqrt(dev / n), kind.saturating() ? sat / n : null,
                kind.reluFamily() ? (double) dead / cols : null);
    }

    /**
     * mean and std: sums of 2,368 terms in another order, and sq/n - mean^2 against the deviations, differ by
     * about n * 2^-53 * (mean^2 + var) / var relative at worst, under 1e-11 for these values: 1e-10.
     * Counts are exact.
     */
    private static void check(double[][] a, Activation kind, DataType type) {
        ActivationStats want = reference(a, kind);
        ActivationStats got = ActivationStats.of(Nd4j.create(a).castTo(type), kind);
        assertEquals(want.mean(), got.mean(), 1e-10 * want.std(), kind + " mean");
        assertEquals(want.std(), got.std(), 1e-10 * want.std(), kind + " std");
        assertEquals(want.saturated(), got.saturated(), kind + " saturated");
        assertEquals(want.dead(), got.dead(), kind + " dead");
    }

    /** 64 x 37 entries (a width that is not a multiple of the 4-way unrolling), with dead columns. */
    private static double[][] batch(Activation kind, long seed) {
        Random r = new Random(seed);
        double[][] a = new double[64][37];
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 37; j++) {
                double z = r.nextGaussian() * 2;
                if (j % 5 == 0) z = -Math.abs(z); // every fifth unit is off for the whole batch
                a[i][j] = switch (kind) {
                    case RELU -> Math.max(0, z);
                    case LEAKY_RELU -> z > 0 ? z : 0.01 * z;
                    case TANH -> Math.tanh(z);
                    case SIGMOID -> 1 / (1 + Math.exp(-z));
                    default -> z;
                };
            }
        return a;
    }

    @Test
    void matchesThePlainReadingForEveryKindOfActivation() {
        for (Activation kind : new Activation[] {Activation.RELU, Activation.LEAKY_RELU, Activation.TANH, Activation.SIGMOID, Activation.IDENTITY})
            check(batch(kind, 7), kind, DataType.DOUBLE);
        ActivationStats linear = ActivationStats.of(Nd4j.create(batch(Activation.IDENTITY, 7)), Activation.IDENTITY);
        assertNull(linear.saturated());
        assertNull(linear.dead());
    }

    @Test
    void countsTheThresholdsExactly() {
        // 0.99 itself is not saturated, the next double above it is; +0.0 and -0.0 are not alive.
        double above = Math.nextUp(0.99);
        double[][] tanh = {{0.99, -0.99, above, -above}, {0, 1, -1, 0.5}};
        check(tanh, Activation.TANH, DataType.DOUBLE);
        assertEquals(4 / 8.0, ActivationStats.of(Nd4j.create(tanh), Activation.TANH).saturated());
        double[][] sigmoid = {{0.01, 0.99, Math.nextDown(0.01), above}, {0.5, 0, 1, 0.3}};
        check(sigmoid, Activation.SIGMOID, DataType.DOUBLE);
        assertEquals(4 / 8.0, ActivationStats.of(Nd4j.create(sigmoid), Activation.SIGMOID).saturated());
        double[][] relu = {{0.0, -0.0, Double.MIN_VALUE, 0}, {0, 0, 0, 2}};
        assertEquals(2 / 4.0, ActivationStats.of(Nd4j.create(relu), Activation.RELU).dead());
    }

    @Test
    void floatAndColumnMajorActivationsGiveTheSameStatistics() {
        double[][] a = batch(Activation.RELU, 11);
        INDArray c = Nd4j.create(a);
        ActivationStats want = ActivationStats.of(c, Activation.RELU);
        ActivationStats fOrder = ActivationStats.of(c.dup('f'), Activation.RELU);
        assertEquals(want, fOrder); // read in c order after the copy: the same sums in the same order
        // float: each entry rounded to 2^-24 relative, so mean and std agree to about 1e-7.
        ActivationStats fl = ActivationStats.of(c.castTo(DataType.FLOAT), Activation.RELU);
        assertEquals(want.mean(), fl.mean(), 1e-6 * want.std());
        assertEquals(want.std(), fl.std(), 1e-6 * want.std());
        assertEquals(want.dead(), fl.dead());
    }
}
