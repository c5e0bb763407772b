package org.gradstudy.data;

import org.gradstudy.study.InputScaling;
import org.gradstudy.study.Precision;
import org.gradstudy.study.Training;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Generates (or takes, for a user file) a trial's data set deterministically from its seed, in plain Java
 * so the same seed gives the same examples on every machine and backend. Nothing is downloaded.
 * Standardized inputs use the training split's mean and std per feature; raw synthetic inputs get a
 * fixed per-feature scale (log-uniform in [0.1, 10]) and offset (uniform in [-3, 3]), as unprepared
 * real features would have.
 */
public final class Datasets {
    private Datasets() {}

    /** The data of a trial; {@code user} is required for {@code dataset = file} and ignored otherwise. */
    public static DataSplit generate(Training training, InputScaling input, long seed, UserData user) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double[][] x;
        int[] label;
        int k = training.classes();
        if (training.dataset() == org.gradstudy.study.DatasetKind.FILE) {
            if (user == null) throw new IllegalStateException("dataset = file but no data was loaded");
            x = new double[user.rows()][];
            for (int i = 0; i < x.length; i++) x[i] = user.x()[i].clone();
            label = user.labels().clone();
        } else {
            int n = training.samples(), d = training.inputs();
            x = new double[n][];
            label = new int[n];
            switch (training.dataset()) {
                case SPIRALS -> spirals(x, label, k, rnd);
                case TEACHER -> teacher(x, label, k, d, rnd);
                case BLOBS -> blobs(x, label, k, d, rnd);
                case PARITY -> parity(x, label, d, rnd);
                default -> throw new IllegalStateException(training.dataset().toString());
            }
            if (input == InputScaling.RAW) distort(x, rnd);
        }
        // Fisher-Yates shuffle, then the first part trains and the rest is held out.
        for (int i = x.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            double[] tx = x[i]; x[i] = x[j]; x[j] = tx;
            int tl = label[i]; label[i] = label[j]; label[j] = tl;
        }
        int nTrain = x.length - Math.max(1, (int) Math.round(x.length * training.testFraction()));
        if (input == InputScaling.STANDARDIZED) standardize(x, nTrain);
        DataType type = training.precision() == Precision.FLOAT ? DataType.FLOAT : DataType.DOUBLE;
        return new DataSplit(features(x, 0, nTrain, type), oneHot(label, 0, nTrain, k, type),
                features(x, nTrain, x.length, type), oneHot(label, nTrain, x.length, k, type));
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

    /** k clusters with centres N(0, 4 I) and unit spread; balanced classes. */
    private static void blobs(double[][] x, int[] label, int k, int d, SplittableRandom rnd) {
        double[][] centres = randomMatrix(k, d, 2.0, rnd);
        for (int i = 0; i < x.length; i++) {
            int c = i % k;
            double[] xi = new double[d];
            for (int j = 0; j < d; j++) xi[j] = centres[c][j] + gauss(rnd);
            x[i] = xi;
            label[i] = c;
        }
    }

    /** d random +-1 bits; the label is their parity (class 1 when the number of +1 bits is odd). */
    private static void parity(double[][] x, int[] label, int d, SplittableRandom rnd) {
        for (int i = 0; i < x.length; i++) {
            double[] xi = new double[d];
            int ones = 0;
            for (int j = 0; j < d; j++) {
                boolean one = rnd.nextBoolean();
                xi[j] = one ? 1 : -1;
                if (one) ones++;
            }
            x[i] = xi;
            label[i] = ones % 2;
        }
    }

    /** Raw features: a per-feature scale, log-uniform in [0.1, 10], and offset, uniform in [-3, 3]. */
    private static void distort(double[][] x, SplittableRandom rnd) {
        int d = x[0].length;
        for (int j = 0; j < d; j++) {
            double scale = Math.pow(10, -1 + 2 * rnd.nextDouble()), offset = -3 + 6 * rnd.nextDouble();
            for (double[] row : x) row[j] = row[j] * scale + offset;
        }
    }

    /** Each feature to mean 0 and standard deviation 1, with the statistics of the first {@code nTrain} rows. */
    private static void standardize(double[][] x, int nTrain) {
        int d = x[0].length;
        for (int j = 0; j < d; j++) {
            double mean = 0, sq = 0;
            for (int i = 0; i < nTrain; i++) mean += x[i][j];
            mean /= nTrain;
            for (int i = 0; i < nTrain; i++) sq += (x[i][j] - mean) * (x[i][j] - mean);
            double std = Math.sqrt(sq / nTrain);
            for (double[] row : x) row[j] = std > 0 ? (row[j] - mean) / std : 0;
        }
    }

    private static double[][] randomMatrix(int rows, int cols, double std, SplittableRandom rnd) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) for (int j = 0; j < cols; j++) row[j] = std * gauss(rnd);
        return m;
    }

    /** Standard normal by Box-Muller. */
    private static double gauss(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static INDArray features(double[][] x, int from, int to, DataType type) {
        int d = x[0].length;
        double[] flat = new double[(to - from) * d];
        for (int i = from; i < to; i++) System.arraycopy(x[i], 0, flat, (i - from) * d, d);
        return Nd4j.create(flat, new long[] {to - from, d}, DataType.DOUBLE).castTo(type);
    }

    private static INDArray oneHot(int[] label, int from, int to, int k, DataType type) {
        double[] flat = new double[(to - from) * k];
        for (int i = from; i < to; i++) flat[(i - from) * k + label[i]] = 1;
        return Nd4j.create(flat, new long[] {to - from, k}, DataType.DOUBLE).castTo(type);
    }
}
