package org.gradstudy.engine;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.gradstudy.data.DataSplit;
import org.gradstudy.data.Datasets;
import org.gradstudy.result.LayerStat;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Normalization;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Init;
import org.gradstudy.study.Optimizer;
import org.gradstudy.study.Precision;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe's gradient statistics equal those of a central finite-difference gradient of the mean loss. */
class ProbeCorrectnessTest {

    static TrialConfig tiny(Activation a, Init init, int depth, int width, int batch) {
        Training t = Training.synthetic(1, batch, DatasetKind.TEACHER, 64, 3, 4, 0.25, Precision.DOUBLE);
        return Trials.of(a, init, depth, width, 0.1, t, new ProbeSettings(1), 12345);
    }

    @Test
    void probeMatchesFiniteDifferencesOfTheMeanLoss() {
        List<TrialConfig> trials = List.of(
                tiny(Activation.TANH, Init.XAVIER_NORMAL, 2, 5, 8),
                tiny(Activation.SIGMOID, Init.XAVIER_NORMAL, 2, 5, 8),
                tiny(Activation.ELU, Init.XAVIER_NORMAL, 2, 5, 8),
                tiny(Activation.TANH, Init.XAVIER_NORMAL, 3, 5, 8).with(Axis.NORMALIZATION, Normalization.BATCHNORM_BEFORE),
                tiny(Activation.TANH, Init.XAVIER_NORMAL, 3, 5, 8).with(Axis.NORMALIZATION, Normalization.BATCHNORM_AFTER),
                tiny(Activation.TANH, Init.XAVIER_NORMAL, 4, 5, 8).with(Axis.RESIDUAL_EVERY, 1),
                tiny(Activation.PRELU, Init.HE_NORMAL, 2, 5, 8),
                tiny(Activation.TANH, Init.SCALED_NORMAL, 2, 5, 8).with(Axis.INIT_GAIN, 1.7));
        for (TrialConfig trial : trials) {
            Object a = trial.point();
            DataSplit data = Datasets.generate(trial.training(), trial.input(), trial.seed(), null);
            INDArray x = data.trainX().get(NDArrayIndex.interval(0, 8), NDArrayIndex.all());
            INDArray y = data.trainY().get(NDArrayIndex.interval(0, 8), NDArrayIndex.all());
            ProbedNetwork built = NetworkFactory.build(trial);
            ComputationGraph net = built.net();
            ComputationGraph twin = net.clone(); // same initial parameters, for finite differences
            GradientProbe probe = new GradientProbe(built, trial);
            probe.batchSize(8);
            net.setListeners(probe);
            net.fit(new INDArray[] {x}, new INDArray[] {y});

            DataSet batch = new DataSet(x, y);
            double eps = 1e-6;
            for (ParamSlot slot : built.slots()) {
                INDArray p = twin.getParam(slot.key());
                INDArray fd = Nd4j.zeros(p.dataType(), p.length());
                org.nd4j.linalg.api.buffer.DataBuffer flatP = p.data(); // the view's own contiguous elements
                for (int i = 0; i < p.length(); i++) {
                    double orig = flatP.getDouble(i);
                    flatP.put(i, orig + eps);
                    double up = twin.score(batch, true);
                    flatP.put(i, orig - eps);
                    double down = twin.score(batch, true);
                    flatP.put(i, orig);
                    fd.putScalar(i, (up - down) / (2 * eps));
                }
                TensorStats expected = TensorStats.of(fd, 1.0);
                LayerStat got = probe.stats().stream()
                        .filter(s -> s.layer() == slot.layer() && s.param().equals(slot.param())).findFirst().orElseThrow();
                // Central differences in double: truncation O(eps^2 f''') ~ 1e-12, rounding ~ 1e-16 / eps = 1e-10,
                // so 1e-6 relative leaves a wide margin while catching a sum-vs-mean (factor 8) or layer mix-up.
                String what = trial.point() + " layer " + slot.layer() + " " + slot.param();
                // A dense bias right before batch norm has an exactly zero gradient (batch norm removes the mean):
                // both sides are then rounding noise, ~1e-17, hence the absolute floor of 1e-12.
                assertEquals(expected.l2(), got.gradL2(), Math.max(1e-12, 1e-6 * expected.l2()), what + " L2");
                assertEquals(expected.meanAbs(), got.gradMeanAbs(), Math.max(1e-12, 1e-6 * expected.meanAbs()), what + " mean|g|");
                assertEquals(expected.maxAbs(), got.gradMaxAbs(), Math.max(1e-12, 1e-6 * expected.maxAbs()), what + " max|g|");
                assertEquals(expected.std(), got.gradStd(), Math.max(1e-12, 1e-6 * expected.std()), what + " std");
                assertEquals(p.norm2Number().doubleValue(), got.paramL2(), 1e-12 * got.paramL2(), what + " param L2");
                assertEquals(twin.score(batch, true), got.loss(), 1e-12, what + " loss");
            }
        }
    }

    @Test
    void tensorStatsAreExactOnAKnownVector() {
        INDArray v = Nd4j.createFromArray(3.0, -4.0, 0.0, 0.0, Double.NaN);
        TensorStats s = TensorStats.of(v, 0.5);
        assertEquals(5, s.n());
        assertEquals(1, s.nonFinite());
        assertEquals(0.4, s.zeroFraction(), 0);
        assertEquals(2.5, s.l2(), 1e-15);        // 0.5 * sqrt(9 + 16)
        assertEquals(0.875, s.meanAbs(), 1e-15); // 0.5 * 7 / 4 finite elements
        assertEquals(2.0, s.maxAbs(), 0);
        // finite elements 3, -4, 0, 0: mean -0.25, population variance (10.5625 + 14.0625 + 0.0625 * 2) / 4
        assertEquals(0.5 * Math.sqrt((10.5625 + 14.0625 + 0.125) / 4), s.std(), 1e-15);
    }

    @Test
    void statisticsOfFloatTensorsDoNotUnderflow() {
        // float32 squares of 1e-25 underflow to 0; the probe accumulates in double with max scaling.
        INDArray v = Nd4j.createFromArray(1e-25f, -1e-25f, 1e-25f, -1e-25f);
        assertEquals(2e-25, TensorStats.of(v, 1).l2(), 1e-31);
    }

    @Test
    void randomizedReluBackpropUsesTheSlopesOfItsForwardPass() {
        RandomizedReLU r = new RandomizedReLU();
        INDArray x = Nd4j.createFromArray(new double[][] {{-1.0, 2.0, -0.5}, {0.3, -4.0, 1.0}});
        INDArray out = r.getActivation(x.dup(), true);
        INDArray grad = r.backprop(x.dup(), Nd4j.onesLike(x)).getFirst();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++) {
                double xi = x.getDouble(i, j), slope = out.getDouble(i, j) / xi;
                if (xi > 0) assertEquals(1.0, slope, 0);
                else assertTrue(slope >= 1.0 / 8 && slope <= 1.0 / 3, "slope " + slope);
                assertEquals(slope, grad.getDouble(i, j), 1e-15); // d out / d x is the same slope
            }
        assertEquals(-4.0 * (1.0 / 8 + 1.0 / 3) / 2, r.getActivation(x.dup(), false).getDouble(1, 1), 1e-15);
    }
}
