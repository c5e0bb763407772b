package org.gradstudy.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap intervals for the median or mean of a sample (the paired differences of
 * {@code technique_effects}). Deterministic: the resampling stream is fixed by the seed, so an
 * aggregate recomputed from the same base tables is identical.
 */
public final class Bootstrap {
    /** Resamples per interval: the 2.5% / 97.5% quantiles of 2000 resampled medians move by well under 1%. */
    public static final int RESAMPLES = 2000;
    /** Coverage of the interval. */
    public static final double LEVEL = 0.95;

    private Bootstrap() {}

    /** An interval [low, high] around a point estimate. */
    public record Interval(double estimate, double low, double high) {}

    /** Median with linear interpolation between order statistics (Spark's {@code percentile}, DuckDB's quantile_cont). */
    public static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return sortedQuantile(s, 0.5);
    }

    public static double mean(double[] x) {
        double sum = 0;
        for (double v : x) sum += v;
        return sum / x.length;
    }

    /**
     * Bootstrap interval of the median of {@code x}; null for an empty sample. The resamples {@link #interval}
     * draws from the sorted sample, but each one is kept as counts over the sorted sample, and its median is
     * read off the running count: O(n) per resample instead of a sort (aggregates call this hundreds
     * of times on samples of hundreds of pairs).
     */
    public static Interval median(double[] x, long seed) {
        if (x.length == 0) return null;
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        double estimate = sortedQuantile(s, 0.5);
        if (n == 1) return new Interval(estimate, estimate, estimate);
        double pos = (n - 1) * 0.5;
        int lo = (int) Math.floor(pos), hi = Math.min(n - 1, lo + 1);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] stats = new double[RESAMPLES];
        int[] counts = new int[n];
        for (int b = 0; b < RESAMPLES; b++) {
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) counts[rng.nextInt(n)]++;
            int j = 0, seen = counts[0];
            while (seen <= lo) seen += counts[++j]; // s[j] is the resample's lo-th order statistic
            double low = s[j];
            while (seen <= hi) seen += counts[++j];
            stats[b] = low + (pos - lo) * (s[j] - low);
        }
        Arrays.sort(stats);
        double tail = (1 - LEVEL) / 2;
        return new Interval(estimate, sortedQuantile(stats, tail), sortedQuantile(stats, 1 - tail));
    }

    /** Bootstrap interval of the mean of {@code x}; null for an empty sample. */
    public static Interval mean(double[] x, long seed) { return interval(x, seed, Bootstrap::mean); }

    static Interval interval(double[] x, long seed, ToDoubleFunction<double[]> statistic) {
        if (x.length == 0) return null;
        double estimate = statistic.applyAsDouble(x);
        if (x.length == 1) return new Interval(estimate, estimate, estimate);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] stats = new double[RESAMPLES];
        double[] sample = new double[x.length];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < sample.length; i++) sample[i] = x[rng.nextInt(x.length)];
            stats[b] = statistic.applyAsDouble(sample);
        }
        Arrays.sort(stats);
        double tail = (1 - LEVEL) / 2;
        return new Interval(estimate, sortedQuantile(stats, tail), sortedQuantile(stats, 1 - tail));
    }

    /** The q-quantile of sorted {@code s}, interpolating linearly between the order statistics at (n - 1) q. */
    static double sortedQuantile(double[] s, double q) { return sortedQuantile(s, s.length, q); }

    /**
     * The q-quantile of the first {@code n} (>= 1) elements of {@code s}, sorted ascending, with linear
     * interpolation between order statistics: Spark's {@code percentile}, DuckDB's {@code quantile_cont}.
     * Equal neighbours give their value exactly (two infinities do not interpolate to NaN).
     */
    public static double sortedQuantile(double[] s, int n, double q) {
        double pos = (n - 1) * q;
        int lo = (int) Math.floor(pos);
        int hi = Math.min(n - 1, lo + 1);
        if (pos == lo || s[lo] == s[hi]) return s[lo];
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
