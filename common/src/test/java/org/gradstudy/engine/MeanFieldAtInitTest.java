package org.gradstudy.engine;

import org.gradstudy.result.LayerStat;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.TrialStatus;
import org.gradstudy.study.Activation;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Init;
import org.gradstudy.study.Optimizer;
import org.gradstudy.study.Precision;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;
import org.gradstudy.theory.MeanField;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Normalization;

/**
 * Deep wide networks at step 0 against mean-field theory. Width 256, depth 20, 8 seeds, one example
 * per step: with a batch of one the bias gradient IS the back-propagated signal delta, so the check is
 * of the theory itself (a batch mean mixes in cross-example correlations: relu + he at batch 128 gave
 * 0.946 here). Factors are seed-means in log of (||g_first|| / ||g_last||)^(1/layers between).
 * Tolerances: one width-256 network's per-layer factor scatters about 0.6% (O(1/sqrt n)) and the
 * finite-width bias is about 0.15% (O(1/n)); 2% is over three times the single-network scatter yet
 * far below the gaps the test must tell apart (0.707 vs 1, 0.24 vs 0.71).
 */
class MeanFieldAtInitTest {
    static final int WIDTH = 256, DEPTH = 20, SEEDS = 8, INPUTS = 64;
    static final double TOL = 0.02;

    static final Training T = Training.synthetic(1, 1, DatasetKind.TEACHER, 64, 4, INPUTS, 0.5, Precision.DOUBLE);

    static TrialResult[] run(Activation a, Init init) { return run(trial(a, init)); }

    static TrialConfig trial(Activation a, Init init) {
        return Trials.of(a, init, DEPTH, WIDTH, 0.01, T, new ProbeSettings(1), 0);
    }

    static TrialResult[] run(TrialConfig base) {
        TrialResult[] out = new TrialResult[SEEDS];
        for (int seed = 0; seed < SEEDS; seed++) {
            TrialConfig trial = new TrialConfig(base.study(), base.studySeed(), 0, 1000 + seed, base.point(), base.training(), base.probe());
            TrialResult r = TrialRunner.run(trial);
            assertEquals(TrialStatus.OK, r.status(), () -> String.valueOf(r.error()));
            out[seed] = r;
        }
        return out;
    }

    /** Seed-mean per-layer factor of parameter {@code param} between hidden layers {@code from} and DEPTH. */
    static double factor(TrialResult[] runs, String param, int from) {
        double logSum = 0;
        for (TrialResult r : runs) logSum += Math.log(norm(r, from, param) / norm(r, DEPTH, param)) / (DEPTH - from);
        return Math.exp(logSum / runs.length);
    }

    static double norm(TrialResult r, int layer, String param) {
        return r.layerStats().stream().filter(s -> s.step() == 0 && s.layer() == layer && s.param().equals(param))
                .mapToDouble(LayerStat::gradL2).findFirst().orElseThrow();
    }

    /** Mean-field prediction over the same layers, from the first layer's pre-activation variance. */
    static double predicted(Activation a, Init init) {
        double s = NetworkFactory.varianceScale(trial(a, init), WIDTH);
        // First layer: fan_in = INPUTS, fan_out = WIDTH, standardized inputs (E x^2 = 1).
        double q1 = switch (init) {
            case XAVIER_NORMAL -> INPUTS * 2.0 / (INPUTS + WIDTH);
            case HE_NORMAL -> 2.0;
            case LECUN_NORMAL, LECUN_UNIFORM -> 1.0;
            case SMALL_NORMAL -> INPUTS * 1e-4;
            default -> throw new IllegalArgumentException(init.toString());
        };
        return MeanField.finiteDepthFactor(a, s, q1, DEPTH);
    }

    @Test
    void reluBiasGradientsFollowTheBackPropagatedSignal() {
        TrialResult[] he = run(Activation.RELU, Init.HE_NORMAL);
        TrialResult[] xavier = run(Activation.RELU, Init.XAVIER_NORMAL);
        assertEquals(1.0, factor(he, "b", 1), TOL, "relu + he: chi = s/2 = 1");
        assertEquals(Math.sqrt(0.5), factor(xavier, "b", 1), TOL, "relu + xavier: sqrt(chi) = sqrt(1/2) = 0.707");
        // Weight gradients a_{l-1} delta_l: for a homogeneous activation the forward and backward factors
        // cancel, so they stay flat at any init scale. From layer 2, whose input is a hidden layer too
        // (layer 1 sees the 64-d data, whose norm differs from a 256-unit layer's).
        assertEquals(1.0, factor(he, "W", 2), TOL, "relu + he weight gradients flat");
        assertEquals(1.0, factor(xavier, "W", 2), TOL, "relu + xavier weight gradients flat");
        assertEquals(1.0, factor(run(Activation.RELU, Init.SMALL_NORMAL), "W", 2), TOL,
                "relu + small-normal weight gradients flat although delta shrinks 0.113x per layer");
    }

    @Test
    void sigmoidWithXavierVanishesInBothBiasAndWeightGradients() {
        TrialResult[] runs = run(Activation.SIGMOID, Init.XAVIER_NORMAL);
        double theory = predicted(Activation.SIGMOID, Init.XAVIER_NORMAL);
        // At the fixed point sqrt(chi) = 0.236: about 12 decades over 20 layers.
        assertEquals(0.236, MeanField.perLayerFactor(Activation.SIGMOID, 1), 0.001);
        assertEquals(theory, factor(runs, "b", 1), TOL * theory, "sigmoid + xavier bias factor");
        // Sigmoid activations do not shrink with depth (mean 1/2), so weight gradients vanish with delta.
        assertEquals(theory, factor(runs, "W", 2), TOL * theory, "sigmoid + xavier weight factor");
    }

    @Test
    void leakyReluFollowsItsSlope() {
        // chi = s (1 + a^2) / 2 under xavier (s = 1): a = 0.3 gives sqrt(0.545) = 0.738, a = 0.01 gives 0.7071.
        for (double a : new double[] {0.01, 0.3, 1.0}) {
            TrialResult[] runs = run(trial(Activation.LEAKY_RELU, Init.XAVIER_NORMAL).with(Axis.LEAKY_RELU_SLOPE, a));
            double theory = Math.sqrt(MeanField.chi(Activation.LEAKY_RELU, 1, a));
            assertEquals(Math.sqrt((1 + a * a) / 2), theory, 1e-15);
            assertEquals(theory, factor(runs, "b", 1), TOL * theory, "leaky relu slope " + a);
        }
    }

    @Test
    void smoothActivationsMatchQuadratureLayerByLayer() {
        // tanh, sigmoid, elu, selu: sqrt(s E[phi'(h_l)^2]) multiplied over the layers, with q_l followed from
        // the first layer (Gauss-Legendre quadrature). Same 2% tolerance as above.
        for (Activation a : new Activation[] {Activation.TANH, Activation.SIGMOID, Activation.ELU, Activation.SELU})
            for (Init init : new Init[] {Init.XAVIER_NORMAL, Init.LECUN_NORMAL}) {
                double theory = predicted(a, init);
                assertEquals(theory, factor(run(a, init), "b", 1), TOL * theory, a + " + " + init);
            }
    }

    @Test
    void reluWeightGradientsStayFlatAtEveryInitScale() {
        // Homogeneous activation: forward and backward factors cancel for any gain g of N(0, g/fan_in),
        // while the bias gradients (delta) follow sqrt(g/2) per layer.
        for (double g : new double[] {0.5, 1.0, 2.0, 3.0}) {
            TrialResult[] runs = run(trial(Activation.RELU, Init.SCALED_NORMAL).with(Axis.INIT_GAIN, g));
            assertEquals(1.0, factor(runs, "W", 2), TOL, "relu weight factor at gain " + g);
            assertEquals(Math.sqrt(g / 2), factor(runs, "b", 1), TOL * Math.sqrt(g / 2), "relu bias factor at gain " + g);
        }
    }

    @Test
    void batchNormMakesGradientsGrowTowardTheInput() {
        // Yang et al. 2019: with batch norm in training mode the gradient explodes with depth at init.
        // Batch norm before the activation removes the dense bias's effect (its gradient is ~0), so this
        // uses weight gradients: log10(||g_1|| / ||g_20||) > 0 means larger gradients nearer the input.
        Training t = Training.synthetic(1, 64, DatasetKind.TEACHER, 256, 4, INPUTS, 0.5, Precision.DOUBLE);
        for (Normalization n : new Normalization[] {Normalization.BATCHNORM_BEFORE, Normalization.BATCHNORM_AFTER}) {
            TrialConfig c = Trials.of(Activation.RELU, Init.HE_NORMAL, DEPTH, WIDTH, 0.01, t, new ProbeSettings(1), 0)
                    .with(Axis.NORMALIZATION, n);
            double f = factor(run(c), "W", 2);
            assertTrue(f > 1.01, n + ": per-layer weight-gradient factor " + f + " should exceed 1");
        }
    }
}
