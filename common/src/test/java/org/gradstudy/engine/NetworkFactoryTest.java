package org.gradstudy.engine;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Init;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class NetworkFactoryTest {
    @Test
    void buildsDepthHiddenLayersOfWidthAndASoftmaxOutput() {
        var trial = ProbeCorrectnessTest.tiny(Activation.RELU, Init.HE_NORMAL, 5, 7, 8); // 4 inputs, 3 classes
        ProbedNetwork built = NetworkFactory.build(trial);
        ComputationGraph net = built.net();
        assertEquals(6, net.getNumLayers());
        for (int i = 1; i <= 5; i++) assertInstanceOf(DenseLayer.class, net.getLayer("h" + i).conf().getLayer());
        assertInstanceOf(OutputLayer.class, net.getLayer("out").conf().getLayer());
        assertArrayEquals(new long[] {4, 7}, net.getParam("h1_W").shape());
        assertArrayEquals(new long[] {7, 7}, net.getParam("h4_W").shape());
        assertArrayEquals(new long[] {7, 3}, net.getParam("out_W").shape());
        // (4*7 + 7) + 4 * (7*7 + 7) + (7*3 + 3) = 35 + 224 + 24
        assertEquals(283, net.numParams());
        assertEquals(283, NetworkFactory.parameterCount(trial));
        assertEquals(12, built.slots().size());
        assertEquals(new ParamSlot(6, ParamSlot.Kind.OUTPUT, "b", "out_b", "out"), built.slots().get(11));
        assertEquals(0.0, net.getParam("h3_b").sumNumber().doubleValue(), 0, "biases start at zero");
    }

    @Test
    void initSchemesHaveTheirVariance() {
        // 256 x 256 weights: 65536 samples, so the sample variance is within 1% (3 sigma = 3 * sqrt(2/65536)).
        var trial = ProbeCorrectnessTest.tiny(Activation.TANH, Init.HE_NORMAL, 3, 256, 8);
        assertEquals(2.0 / 256, NetworkFactory.build(trial).net().getParam("h2_W").var().getDouble(0), 0.012 * 2.0 / 256);
        trial = ProbeCorrectnessTest.tiny(Activation.TANH, Init.XAVIER_NORMAL, 3, 256, 8);
        assertEquals(1.0 / 256, NetworkFactory.build(trial).net().getParam("h2_W").var().getDouble(0), 0.012 / 256);
        trial = ProbeCorrectnessTest.tiny(Activation.TANH, Init.LECUN_NORMAL, 3, 256, 8);
        assertEquals(1.0 / 256, NetworkFactory.build(trial).net().getParam("h2_W").var().getDouble(0), 0.012 / 256);
        trial = ProbeCorrectnessTest.tiny(Activation.TANH, Init.SMALL_NORMAL, 3, 256, 8);
        assertEquals(1e-4, NetworkFactory.build(trial).net().getParam("h2_W").var().getDouble(0), 0.012e-4);
        for (Init uniform : new Init[] {Init.XAVIER_UNIFORM, Init.LECUN_UNIFORM, Init.HE_UNIFORM}) {
            trial = ProbeCorrectnessTest.tiny(Activation.TANH, uniform, 3, 256, 8);
            double expected = (uniform == Init.HE_UNIFORM ? 2.0 : 1.0) / 256;
            assertEquals(expected, NetworkFactory.build(trial).net().getParam("h2_W").var().getDouble(0), 0.012 * expected, uniform.key());
        }
        trial = ProbeCorrectnessTest.tiny(Activation.TANH, Init.SCALED_NORMAL, 3, 256, 8).with(org.gradstudy.study.Axis.INIT_GAIN, 2.5);
        assertEquals(2.5 / 256, NetworkFactory.build(trial).net().getParam("h2_W").var().getDouble(0), 0.012 * 2.5 / 256);
        trial = ProbeCorrectnessTest.tiny(Activation.TANH, Init.ZERO, 3, 256, 8);
        assertEquals(0.0, NetworkFactory.build(trial).net().getParam("h2_W").norm2Number().doubleValue(), 0);
    }
}
