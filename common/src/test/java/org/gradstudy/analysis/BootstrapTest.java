package org.gradstudy.analysis;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapTest {
    @Test
    void medianInterpolatesLikeSparkPercentile() {
        assertEquals(2.5, Bootstrap.median(new double[] {4, 1, 3, 2}), 0);
        assertEquals(3.0, Bootstrap.median(new double[] {5, 3, 1}), 0);
        assertEquals(2.0, Bootstrap.mean(new double[] {1, 2, 3}), 0);
    }

    @Test
    void degenerateSamples() {
        assertNull(Bootstrap.median(new double[0], 1));
        assertEquals(new Bootstrap.Interval(7, 7, 7), Bootstrap.median(new double[] {7}, 1));
        assertEquals(new Bootstrap.Interval(0, 0, 0), Bootstrap.mean(new double[] {0, 0, 0, 0}, 1));
    }

    @Test
    void deterministicForASeed() {
        double[] x = normal(50, 3);
        assertEquals(Bootstrap.median(x, 42), Bootstrap.median(x.clone(), 42));
    }

    @Test
    void countingMedianIsTheSortingMedianExactly() {
        // The fast median keeps each resample as counts over the sorted sample; it must give exactly the
        // interval of resampling the sorted sample, sorting and interpolating, for odd and even n, with ties.
        for (int n : new int[] {2, 3, 10, 51, 400}) {
            double[] x = normal(n, n);
            for (int i = 0; i < n / 3; i++) x[i] = x[n - 1 - i]; // ties
            java.util.Arrays.sort(x); // both then draw the same indices into the same order
            assertEquals(Bootstrap.interval(x, 9, Bootstrap::median), Bootstrap.median(x, 9), "n = " + n);
        }
    }

    @Test
    void widthMatchesTheAsymptoticStandardError() {
        // For n draws of N(0, 1) the sample median has standard error sqrt(pi/2)/sqrt(n) = 1.2533/sqrt(n)
        // and the mean 1/sqrt(n); a 95% interval is about 2 x 1.96 standard errors wide. At n = 400:
        // 0.2456 (median) and 0.196 (mean). The bootstrap estimate of the width itself scatters: about
        // 10% for the median (its bootstrap distribution is lumpy), 5% for the mean; allow 25% and 12%.
        double[] x = normal(400, 11);
        Bootstrap.Interval m = Bootstrap.median(x, 5);
        assertEquals(2 * 1.96 * 1.2533 / 20, m.high() - m.low(), 0.25 * 0.2456, m.toString());
        assertTrue(m.low() <= m.estimate() && m.estimate() <= m.high());
        Bootstrap.Interval mean = Bootstrap.mean(x, 5);
        assertEquals(2 * 1.96 / 20, mean.high() - mean.low(), 0.12 * 0.196, mean.toString());
    }

    private static double[] normal(int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
        return x;
    }
}
