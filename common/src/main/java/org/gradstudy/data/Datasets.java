package org.gradstudy.data;

import org.gradstudy.study.Precision;
import org.gradstudy.study.Training;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Generates a trial's data set deterministically from its seed, in plain Java so the same seed gives
 * the same examples on every machine and backend. Nothing is downloaded.
 */
public final class Datasets {
    private Datasets() {}

    /** Generates, shuffles and splits the data set described by {@code training}. */
    public static DataSplit generate(Training training, long seed) {
        int n = training.samples();
        int k = training.classes();
        int d = training.inputs();
        double[][] x = new double[n][];
        int[] label = new int[n];
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        switch (training.dataset()) {
            case SPIRALS -> spirals(x, label, k, rnd);
            case TEACHER -> teacher(x, label, k, d, rnd);
        }
        standardize(x);
        // Fisher-Yates shuffle, then the first part trains and the rest is held out.
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            double[] tx = x[i]; x[i] = x[j]; x[j] = tx;
            int tl = label[i]; label[i] = label[j]; label[j] = tl;
        }
        int nTrain = training.trainSamples();
        DataType type = training.precision() == Precision.FLOAT ? DataType.FLOAT : DataType.DOUBLE;
        return new DataSplit(features(x, 0, nTrain, type), oneHot(label, 0, nTrain, k, type),
                features(x, nTrain, n, type), oneHot(label, nTrain, n, k, type));
    }

    /** k interleaved spiral arms of 1.5 turns with Gaussian noise of std 0.1 (radius 1). */
    private static void spirals(double[][] x, int[] label, int k, SplittableRandom rnd) {
        for (int i = 0; i < x.length; i++) {
            int c = i % k;
            double t = 0.05 + 0.95 * rnd.nextDouble();
            double theta = 2 * Math.PI * c / k + 3 * Math.PI * t;
            x[i] = new double[] {t * Math.cos(theta) + 0.1 * gauss(rnd), t * Math.sin(theta) + 0.1 * gauss(rnd)};
            label[i] = c;
        }
    }

    /** N(0, I) inputs labelled by the arg-max of a random d-32-k tanh network. */
    private static void teacher(double[][] x, int[] label, int k, int d, SplittableRandom rnd) {
        int h = 32;
        double[][] w1 = randomMatrix(d, h, 1.0 / Math.sqrt(d), rnd);
        double[][] w2 = randomMatrix(h, k, 1.0 / Math.sqrt(h), rnd);
        for (int i = 0; i < x.length; i++) {
            double[] xi = new double[d];
            for (int j = 0; j < d; j++) xi[j] = gauss(rnd);
            double[] hid = new double[h];
            for (int u = 0; u < h; u++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += xi[j] * w1[j][u];
                hid[u] = Math.tanh(2 * s);
            }
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int u = 0; u < h; u++) s += hid[u] * w2[u][c];
                if (s > bestScore) { bestScore = s; best = c; }
            }
            x[i] = xi;
            label[i] = best;
        }
    }

    /** Each feature to mean 0 and standard deviation 1 over the whole set. */
    private static void standardize(double[][] x) {
        int d = x[0].length;
        for (int j = 0; j < d; j++) {
            double mean = 0, sq = 0;
            for (double[] row : x) mean += row[j];
            mean /= x.length;
            for (double[] row : x) sq += (row[j] - mean) * (row[j] - mean);
            double std = Math.sqrt(sq / x.length);
            for (double[] row : x) row[j] = std > 0 ? (row[j] - mean) / std : 0;
        }
    }

    private static double[][] randomMatrix(int rows, int cols, double std, SplittableRandom rnd) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) for (int j = 0; j < cols; j++) row[j] = std * gauss(rnd);
        return m;
    }

    /** Standard normal by Box-Muller (SplittableRandom has no nextGaussian of its own here). */
    private static double gauss(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static org.nd4j.linalg.api.ndarray.INDArray features(double[][] x, int from, int to, DataType type) {
        int d = x[0].length;
        double[] flat = new double[(to - from) * d];
        for (int i = from; i < to; i++) System.arraycopy(x[i], 0, flat, (i - from) * d, d);
        return Nd4j.create(flat, new long[] {to - from, d}, DataType.DOUBLE).castTo(type);
    }

    private static org.nd4j.linalg.api.ndarray.INDArray oneHot(int[] label, int from, int to, int k, DataType type) {
        double[] flat = new double[(to - from) * k];
        for (int i = from; i < to; i++) flat[(i - from) * k + label[i]] = 1;
        return Nd4j.create(flat, new long[] {to - from, k}, DataType.DOUBLE).castTo(type);
    }
}
