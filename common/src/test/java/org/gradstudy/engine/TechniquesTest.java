package org.gradstudy.engine;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.gradstudy.result.LayerStat;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.TrialStatus;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Clipping;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Init;
import org.gradstudy.study.Normalization;
import org.gradstudy.study.Precision;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each technique is really applied: its layers exist, its effect shows, its numbers are recorded. */
class TechniquesTest {
    static final Training T = Training.synthetic(30, 32, DatasetKind.TEACHER, 512, 3, 8, 0.25, Precision.DOUBLE);

    static TrialConfig base(Activation a, Init init, int depth) {
        return Trials.of(a, init, depth, 32, 0.05, T, new ProbeSettings(1), 5);
    }

    static List<LayerStat> at(TrialResult r, int step) {
        return r.layerStats().stream().filter(s -> s.step() == step).toList();
    }

    static double norm(TrialResult r, int step, int layer, String param) {
        return at(r, step).stream().filter(s -> s.layer() == layer && s.param().equals(param)).findFirst().orElseThrow().gradL2();
    }

    @Test
    void batchNormLayersArePresentAndTheirParametersAndActivationsRecorded() {
        for (Normalization n : new Normalization[] {Normalization.BATCHNORM_BEFORE, Normalization.BATCHNORM_AFTER}) {
            TrialConfig c = base(Activation.TANH, Init.XAVIER_NORMAL, 4).with(Axis.NORMALIZATION, n);
            ProbedNetwork built = NetworkFactory.build(c);
            for (int l = 1; l <= 4; l++) assertInstanceOf(BatchNormalization.class, built.net().getLayer("bn" + l).conf().getLayer());
            TrialResult r = TrialRunner.run(c);
            assertEquals(TrialStatus.OK, r.status(), r.error());
            List<LayerStat> s0 = at(r, 0);
            assertEquals(4, s0.stream().filter(s -> s.param().equals("gamma")).count());
            assertEquals(4, s0.stream().filter(s -> s.param().equals("beta")).count());
            // gamma starts at 1: its L2 norm is sqrt(width).
            assertEquals(Math.sqrt(32), s0.stream().filter(s -> s.param().equals("gamma")).findFirst().orElseThrow().paramL2(), 1e-12);
            LayerStat w1 = s0.stream().filter(s -> s.layer() == 1 && s.param().equals("W")).findFirst().orElseThrow();
            assertNotNull(w1.actSaturated(), "tanh saturation is recorded");
            assertNull(w1.actDead(), "dead units are a relu-family statistic");
            if (n == Normalization.BATCHNORM_BEFORE) {
                // Batch norm right after the dense layer normalizes its pre-activations to mean 0, std 1 per
                // unit, so tanh of them has mean 0 and std sqrt(E tanh(z)^2) = 0.6279 (z ~ N(0, 1)); the batch
                // of 32 gives a sample mean within about 0.6279 / sqrt(32 * 32) = 0.02.
                assertEquals(0.0, w1.actMean(), 0.02);
                assertEquals(0.6279, w1.actStd(), 0.03);
            }
        }
    }

    @Test
    void residualSkipsKeepTheFirstLayerGradientOfADeepSigmoidNetAlive() {
        TrialConfig plain = base(Activation.SIGMOID, Init.XAVIER_NORMAL, 20);
        TrialResult without = TrialRunner.run(plain);
        TrialResult with = TrialRunner.run(plain.with(Axis.RESIDUAL_EVERY, 2));
        assertNotNull(NetworkFactory.build(plain.with(Axis.RESIDUAL_EVERY, 2)).net().getVertex("res3"));
        // Without skips sigmoid + xavier loses ~0.24x per layer (about 11 decades over 19 layers); each skip
        // adds an identity path, so at least 3 decades must come back.
        double ratio = norm(with, 0, 1, "W") / norm(without, 0, 1, "W");
        assertTrue(ratio > 1e3, "residual raises the first-layer gradient by " + ratio);
    }

    @Test
    void globalClippingCapsTheWholeGradientAndRecordsTheNormBefore() {
        double t = 0.01, lr = 0.05;
        TrialResult r = TrialRunner.run(base(Activation.RELU, Init.HE_NORMAL, 4)
                .with(Axis.CLIPPING, Clipping.GLOBAL_L2).with(Axis.CLIP_THRESHOLD, t));
        assertEquals(1.0, r.clipRate(), 0, "the threshold is far below this network's gradient norm");
        for (int step : new int[] {0, 10, 29}) {
            List<LayerStat> s = at(r, step);
            double pre = Math.sqrt(s.stream().mapToDouble(x -> x.gradL2() * x.gradL2()).sum());
            assertEquals(pre, s.get(0).gradNormPreClip(), 1e-12 * pre, "pre-clip norm is the raw gradient's");
            assertTrue(pre > 10 * t);
            assertEquals(t, s.get(0).gradNormPostClip(), 1e-15);
            assertTrue(s.get(0).clipped());
            // Plain SGD applies lr x the clipped gradient: the applied update's global norm is lr x t.
            double update = Math.sqrt(s.stream().mapToDouble(x -> Math.pow(x.updateL2(), 2)).sum());
            assertEquals(lr * t, update, 1e-9 * lr * t, "step " + step);
        }
    }

    @Test
    void layerAndValueClippingAreAppliedByDl4jToTheMeanGradient() {
        double lr = 0.05;
        for (Clipping mode : new Clipping[] {Clipping.LAYER_L2, Clipping.VALUE}) {
            double t = mode == Clipping.VALUE ? 1e-3 : 0.01;
            TrialResult r = TrialRunner.run(base(Activation.RELU, Init.HE_NORMAL, 4).with(Axis.CLIPPING, mode).with(Axis.CLIP_THRESHOLD, t));
            assertTrue(r.clipRate() > 0.9, mode + " clip rate " + r.clipRate());
            List<LayerStat> s = at(r, 0);
            double update = Math.sqrt(s.stream().mapToDouble(x -> Math.pow(x.updateL2(), 2)).sum());
            // The probe's post-clip norm is computed from the raw mean gradient; DL4J's update must match it.
            assertEquals(lr * s.get(0).gradNormPostClip(), update, 1e-9 * update, mode.toString());
            assertTrue(s.get(0).gradNormPostClip() < s.get(0).gradNormPreClip());
            if (mode == Clipping.LAYER_L2) {
                Map<Integer, Double> perLayer = s.stream().collect(Collectors.groupingBy(LayerStat::layer,
                        Collectors.summingDouble(x -> Math.pow(x.updateL2(), 2))));
                perLayer.values().forEach(sq -> assertTrue(Math.sqrt(sq) <= lr * t * (1 + 1e-9)));
            }
        }
    }

    @Test
    void l2WeightDecayShrinksTheWeights() {
        TrialConfig c = base(Activation.RELU, Init.HE_NORMAL, 3).with(Axis.LEARNING_RATE, 0.1);
        TrialResult none = TrialRunner.run(c);
        TrialResult decayed = TrialRunner.run(c.with(Axis.L2, 0.5));
        double wNone = at(none, 29).stream().filter(s -> s.param().equals("W")).mapToDouble(LayerStat::paramL2).sum();
        double wDecayed = at(decayed, 29).stream().filter(s -> s.param().equals("W")).mapToDouble(LayerStat::paramL2).sum();
        // Each step multiplies W by about (1 - lr l2) = 0.95 on top of the gradient step: 29 steps, ~0.23x.
        assertTrue(wDecayed < 0.6 * wNone, "L2 " + wDecayed + " vs none " + wNone);
    }

    @Test
    void preluSlopesAreLearned() {
        TrialConfig c = base(Activation.PRELU, Init.HE_NORMAL, 3).with(Axis.LEARNING_RATE, 0.2);
        assertInstanceOf(PReLULayer.class, NetworkFactory.build(c).net().getLayer("act1").conf().getLayer());
        TrialResult r = TrialRunner.run(c);
        assertEquals(TrialStatus.OK, r.status(), r.error());
        LayerStat first = at(r, 0).stream().filter(s -> s.layer() == 1 && s.param().equals("alpha")).findFirst().orElseThrow();
        LayerStat last = at(r, 29).stream().filter(s -> s.layer() == 1 && s.param().equals("alpha")).findFirst().orElseThrow();
        assertEquals(0.25 * Math.sqrt(32), first.paramL2(), 1e-12, "slopes start at 0.25");
        assertTrue(first.gradL2() > 0, "the slopes get a gradient");
        assertTrue(Math.abs(last.paramL2() - first.paramL2()) > 1e-3, "and move: " + first.paramL2() + " -> " + last.paramL2());
        assertNotNull(first.actDead(), "prelu is relu family");
    }

    @Test
    void otherActivationsInitsAndDataSetsTrain() {
        for (Activation a : new Activation[] {Activation.RRELU, Activation.ELU, Activation.SELU, Activation.LEAKY_RELU})
            assertEquals(TrialStatus.OK, TrialRunner.run(base(a, Init.LECUN_UNIFORM, 3)).status(), a.toString());
        for (DatasetKind d : new DatasetKind[] {DatasetKind.BLOBS, DatasetKind.PARITY, DatasetKind.SPIRALS}) {
            Training t = Training.synthetic(30, 32, d, 512, d == DatasetKind.PARITY ? 2 : 3, 6, 0.25, Precision.DOUBLE);
            TrialResult r = TrialRunner.run(Trials.of(Activation.RELU, Init.HE_NORMAL, 3, 32, 0.1, t, new ProbeSettings(10), 3));
            assertEquals(TrialStatus.OK, r.status(), d + ": " + r.error());
        }
        // Blobs are separable: a shallow net learns them well above chance (1/3) in 30 steps.
        Training blobs = Training.synthetic(60, 32, DatasetKind.BLOBS, 512, 3, 6, 0.25, Precision.DOUBLE);
        TrialResult r = TrialRunner.run(Trials.of(Activation.RELU, Init.HE_NORMAL, 2, 32, 0.1, blobs, new ProbeSettings(10), 3));
        assertTrue(r.testAccuracy() > 0.8, "blobs accuracy " + r.testAccuracy());
    }
}
