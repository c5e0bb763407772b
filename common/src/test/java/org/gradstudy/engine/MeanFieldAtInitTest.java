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

    static TrialResult[] run(Activation a, Init init) {
        TrialResult[] out = new TrialResult[SEEDS];
        for (int seed = 0; seed < SEEDS; seed++) {
            Training t = Training.synthetic(1, 1, DatasetKind.TEACHER, 64, 4, INPUTS, 0.5, Precision.DOUBLE);
            TrialConfig trial = Trials.of(a, init, DEPTH, WIDTH, 0.01, t, new ProbeSettings(1), 1000 + seed);
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
        double s = NetworkFactory.varianceScale(Trials.of(a, init, DEPTH, WIDTH, 0.01, Training.synthetic(1, 1, DatasetKind.TEACHER, 64, 4, INPUTS, 0.5, Precision.DOUBLE), new ProbeSettings(1), 0), WIDTH);
        // First layer: fan_in = INPUTS, fan_out = WIDTH, standardized inputs (E x^2 = 1).
        double q1 = switch (init) {
            case XAVIER_NORMAL -> INPUTS * 2.0 / (INPUTS + WIDTH);
            case HE_NORMAL -> 2.0;
            case LECUN_NORMAL -> 1.0;
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
}
