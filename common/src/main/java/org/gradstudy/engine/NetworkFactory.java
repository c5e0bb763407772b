package org.gradstudy.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Init;
import org.gradstudy.study.Precision;
import org.gradstudy.study.TrialConfig;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the network a trial trains: {@code depth} hidden dense layers of {@code width} units and a
 * softmax output layer with cross-entropy loss, every layer initialized by the trial's scheme, biases
 * zero. One factory for every technique: each axis maps to DL4J in one switch below.
 */
public final class NetworkFactory {
    /** Slope of leaky relu for x < 0. */
    public static final double LEAKY_RELU_SLOPE = 0.01;
    /** Momentum of the {@code momentum} optimizer (Nesterov). */
    public static final double MOMENTUM = 0.9;

    private NetworkFactory() {}

    /** Builds and initializes the network of {@code trial} for {@code inputs} features. */
    public static ProbedNetwork build(TrialConfig trial) {
        int inputs = trial.training().inputs();
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(trial.seed())
                .dataType(trial.training().precision() == Precision.FLOAT ? DataType.FLOAT : DataType.DOUBLE)
                .updater(updater(trial))
                .biasInit(0.0);
        switch (trial.init()) {
            case ZERO -> b.weightInit(WeightInit.ZERO);
            case SMALL_NORMAL -> b.weightInit(new NormalDistribution(0, 0.01));
            case LARGE_NORMAL -> b.weightInit(new NormalDistribution(0, 1.0));
            case XAVIER_NORMAL -> b.weightInit(WeightInit.XAVIER);
            case XAVIER_UNIFORM -> b.weightInit(WeightInit.XAVIER_UNIFORM);
            case HE_NORMAL -> b.weightInit(WeightInit.RELU);
            case HE_UNIFORM -> b.weightInit(WeightInit.RELU_UNIFORM);
            case LECUN_NORMAL -> b.weightInit(WeightInit.LECUN_NORMAL);
        }
        NeuralNetConfiguration.ListBuilder list = b.list();
        List<ParamSlot> slots = new ArrayList<>();
        for (int i = 0; i < trial.depth(); i++) {
            list.layer(new DenseLayer.Builder().nIn(i == 0 ? inputs : trial.width()).nOut(trial.width())
                    .activation(activation(trial.activation())).build());
            slots.add(new ParamSlot(i + 1, ParamSlot.Kind.HIDDEN, "W", i + "_W"));
            slots.add(new ParamSlot(i + 1, ParamSlot.Kind.HIDDEN, "b", i + "_b"));
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(trial.width())
                .nOut(trial.training().classes()).activation(new ActivationSoftmax()).build());
        slots.add(new ParamSlot(trial.depth() + 1, ParamSlot.Kind.OUTPUT, "W", trial.depth() + "_W"));
        slots.add(new ParamSlot(trial.depth() + 1, ParamSlot.Kind.OUTPUT, "b", trial.depth() + "_b"));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return new ProbedNetwork(net, slots);
    }

    /** The number of trainable parameters of the trial's network. */
    public static long parameterCount(TrialConfig trial) {
        long w = trial.width();
        return trial.training().inputs() * w + w + (trial.depth() - 1) * (w * w + w) + w * trial.training().classes()
                + trial.training().classes();
    }

    static IActivation activation(Activation a) {
        return switch (a) {
            case SIGMOID -> new ActivationSigmoid();
            case TANH -> new ActivationTanH();
            case RELU -> new ActivationReLU();
            case LEAKY_RELU -> new ActivationLReLU(LEAKY_RELU_SLOPE);
            case ELU -> new ActivationELU(1.0);
            case SELU -> new ActivationSELU();
            case IDENTITY -> new ActivationIdentity();
        };
    }

    static IUpdater updater(TrialConfig trial) {
        return switch (trial.optimizer()) {
            case SGD -> new Sgd(trial.learningRate());
            case MOMENTUM -> new Nesterovs(trial.learningRate(), MOMENTUM);
            case ADAM -> new Adam(trial.learningRate());
        };
    }

    /** The variance factor s = fan_in x Var(W) of an init for a layer of equal fan-in and fan-out n. */
    public static double varianceScale(Init init, int n) {
        return switch (init) {
            case ZERO -> 0;
            case SMALL_NORMAL -> 1e-4 * n;
            case LARGE_NORMAL -> n;
            case XAVIER_NORMAL, XAVIER_UNIFORM, LECUN_NORMAL -> 1;
            case HE_NORMAL, HE_UNIFORM -> 2;
        };
    }
}
