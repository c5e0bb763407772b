package org.gradstudy.engine;

import org.gradstudy.result.LayerStat;
import org.gradstudy.result.TrialResult;
import org.gradstudy.study.Activation;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Init;
import org.gradstudy.study.Precision;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay export is self-sufficient: reloading its .npy files and back-propagating by hand in plain
 * Java (no ND4J arithmetic) gives the step-0 gradient norms that the probe recorded in a normal run.
 */
class ExportRecomputeTest {
    @TempDir Path dir;

    @Test
    void plainJavaBackpropOfTheExportMatchesTheProbe() throws Exception {
        int depth = 3;
        Training t = Training.synthetic(5, 16, DatasetKind.TEACHER, 128, 3, 6, 0.25, Precision.FLOAT);
        TrialConfig trial = Trials.of(Activation.TANH, Init.XAVIER_NORMAL, depth, 7, 0.1, t, new ProbeSettings(1), 77);
        TrialExport.write(trial, null, dir);
        assertTrue(Files.readString(dir.resolve("trial.txt")).startsWith(trial.trialId()));

        double[][] x = load("x.npy"), y = load("y.npy");
        double[][][] w = new double[depth + 1][][];
        double[][] b = new double[depth + 1][];
        for (int l = 0; l <= depth; l++) {
            String name = l < depth ? "h" + (l + 1) : "out";
            w[l] = load("params/" + name + "_W.npy");
            b[l] = load("params/" + name + "_b.npy")[0];
        }
        int n = x.length;
        // Forward: z = a W + b; tanh on hidden layers, softmax on the output.
        double[][][] a = new double[depth + 2][][];
        a[0] = x;
        for (int l = 0; l <= depth; l++) {
            double[][] z = affine(a[l], w[l], b[l]);
            a[l + 1] = l < depth ? tanh(z) : softmax(z);
        }
        // Backward of the mean cross-entropy: delta_out = (p - y) / n; delta_l = (delta W^T) * (1 - a^2).
        double[][] delta = new double[n][];
        for (int i = 0; i < n; i++) {
            delta[i] = new double[y[i].length];
            for (int c = 0; c < y[i].length; c++) delta[i][c] = (a[depth + 1][i][c] - y[i][c]) / n;
        }
        double[] gW = new double[depth + 1], gB = new double[depth + 1];
        for (int l = depth; l >= 0; l--) {
            gW[l] = norm(matTmul(a[l], delta));
            gB[l] = norm(new double[][] {colSum(delta)});
            if (l > 0) {
                double[][] back = matMulT(delta, w[l]);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < back[i].length; j++) back[i][j] *= 1 - a[l][i][j] * a[l][i][j];
                delta = back;
            }
        }
        // The same trial run normally: its probe's step-0 norms (float32 training, statistics in double).
        TrialResult r = TrialRunner.run(trial);
        for (int l = 0; l <= depth; l++) {
            int layer = l + 1;
            LayerStat sw = stat(r, layer, "W"), sb = stat(r, layer, "b");
            String name = l < depth ? "h" + (l + 1) : "out";
            // float32 parameters and activations: relative error ~1e-7 per op, far inside 1e-5.
            assertEquals(gW[l], sw.gradL2(), 1e-5 * gW[l], "W of layer " + layer);
            assertEquals(gB[l], sb.gradL2(), 1e-5 * gB[l], "b of layer " + layer);
            assertEquals(gW[l], norm(load("grads/" + name + "_W.npy")), 1e-5 * gW[l], "exported W gradient of layer " + layer);
        }
    }

    LayerStat stat(TrialResult r, int layer, String param) {
        return r.layerStats().stream().filter(s -> s.step() == 0 && s.layer() == layer && s.param().equals(param)).findFirst().orElseThrow();
    }

    double[][] load(String file) throws Exception {
        INDArray arr = Nd4j.createFromNpyFile(dir.resolve(file).toFile());
        if (arr.rank() == 1) arr = arr.reshape(1, arr.length());
        return arr.toDoubleMatrix();
    }

    static double[][] affine(double[][] x, double[][] w, double[] b) {
        double[][] z = new double[x.length][w[0].length];
        for (int i = 0; i < x.length; i++)
            for (int j = 0; j < w[0].length; j++) {
                double s = b[j];
                for (int k = 0; k < w.length; k++) s += x[i][k] * w[k][j];
                z[i][j] = s;
            }
        return z;
    }

    static double[][] tanh(double[][] z) {
        double[][] o = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            o[i] = new double[z[i].length];
            for (int j = 0; j < z[i].length; j++) o[i][j] = Math.tanh(z[i][j]);
        }
        return o;
    }

    static double[][] softmax(double[][] z) {
        double[][] o = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double v : z[i]) max = Math.max(max, v);
            o[i] = new double[z[i].length];
            for (int j = 0; j < z[i].length; j++) sum += o[i][j] = Math.exp(z[i][j] - max);
            for (int j = 0; j < z[i].length; j++) o[i][j] /= sum;
        }
        return o;
    }

    /** a^T d */
    static double[][] matTmul(double[][] a, double[][] d) {
        double[][] o = new double[a[0].length][d[0].length];
        for (int i = 0; i < a.length; i++)
            for (int p = 0; p < a[0].length; p++)
                for (int q = 0; q < d[0].length; q++) o[p][q] += a[i][p] * d[i][q];
        return o;
    }

    /** d W^T */
    static double[][] matMulT(double[][] d, double[][] w) {
        double[][] o = new double[d.length][w.length];
        for (int i = 0; i < d.length; i++)
            for (int p = 0; p < w.length; p++)
                for (int q = 0; q < d[0].length; q++) o[i][p] += d[i][q] * w[p][q];
        return o;
    }

    static double[] colSum(double[][] d) {
        double[] s = new double[d[0].length];
        for (double[] row : d) for (int j = 0; j < row.length; j++) s[j] += row[j];
        return s;
    }

    static double norm(double[][] m) {
        double s = 0;
        for (double[] row : m) for (double v : row) s += v * v;
        return Math.sqrt(s);
    }
}
