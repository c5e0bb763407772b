package org.gradstudy.engine;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.ConstantDistribution;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Clipping;
import org.gradstudy.study.Init;
import org.gradstudy.study.Normalization;
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
 * Builds the network a trial trains, as one DL4J ComputationGraph whatever the techniques: {@code depth}
 * hidden dense layers of {@code width} units, each optionally batch-normalized before or after its
 * activation, identity skips around every k hidden layers after the first, and a softmax output layer
 * with cross-entropy loss. Every axis maps to DL4J in one place below.
 *
 * <p>Vertex names: {@code h<l>} dense layer l, {@code bn<l>} its batch norm, {@code act<l>} its
 * activation when it is a separate layer (after batch norm "before", and prelu), {@code res<l>} the add
 * vertex closing a residual block at layer l, {@code out} the output layer.
 */
public final class NetworkFactory {
    /** Momentum of the {@code momentum} optimizer (Nesterov). */
    public static final double MOMENTUM = 0.9;
    /** Initial prelu slope (He et al. 2015). */
    public static final double PRELU_INIT = 0.25;
    /** rrelu slope bounds (DL4J's defaults, as in Xu et al. 2015). */
    public static final double RRELU_LOWER = 1.0 / 8, RRELU_UPPER = 1.0 / 3;

    private NetworkFactory() {}

    /** Builds and initializes the network of {@code trial}. */
    public static ProbedNetwork build(TrialConfig trial) {
        ComputationGraphConfiguration conf = configuration(trial);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        FlatGradientUpdater.install(net);
        return new ProbedNetwork(net, slots(trial), activationSlots(trial));
    }

    /** The DL4J configuration alone (cheap: no parameters), used to check a combination can be built. */
    public static ComputationGraphConfiguration configuration(TrialConfig trial) {
        int inputs = trial.training().inputs(), width = trial.width(), depth = trial.depth();
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(trial.seed())
                .dataType(trial.training().precision() == Precision.FLOAT ? DataType.FLOAT : DataType.DOUBLE)
                .updater(updater(trial))
                .biasInit(0.0)
                .l2(trial.l2());
        if (trial.clipping() == Clipping.LAYER_L2)
            b.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(trial.clipThreshold());
        else if (trial.clipping() == Clipping.VALUE)
            b.gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue).gradientNormalizationThreshold(trial.clipThreshold());
        // global-l2 is applied by the GradientProbe: DL4J has no clipping across layers.

        ComputationGraphConfiguration.GraphBuilder g = b.graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(inputs));
        Activation act = trial.activation();
        boolean separate = trial.normalization() == Normalization.BATCHNORM_BEFORE || act == Activation.PRELU;
        String[] out = new String[depth + 1];
        out[0] = "in";
        for (int l = 1; l <= depth; l++) {
            int nIn = l == 1 ? inputs : width;
            g.addLayer("h" + l, KeptPreOutputDense.of(new DenseLayer.Builder().nIn(nIn).nOut(width).weightInit(weightInit(trial, nIn, width))
                    .activation(separate ? new ActivationIdentity() : activation(trial)).build()), out[l - 1]);
            String cur = "h" + l;
            if (trial.normalization() == Normalization.BATCHNORM_BEFORE) {
                g.addLayer("bn" + l, new BatchNormalization.Builder().nOut(width).build(), cur);
                cur = "bn" + l;
            }
            if (separate) {
                g.addLayer("act" + l, act == Activation.PRELU
                        ? new PReLULayer.Builder().inputShape(width).weightInit(new ConstantDistribution(PRELU_INIT)).build()
                        : new ActivationLayer.Builder().activation(activation(trial)).build(), cur);
                cur = "act" + l;
            }
            if (trial.normalization() == Normalization.BATCHNORM_AFTER) {
                g.addLayer("bn" + l, new BatchNormalization.Builder().nOut(width).build(), cur);
                cur = "bn" + l;
            }
            int k = trial.residualEvery();
            if (k > 0 && l > 1 && (l - 1) % k == 0) { // closes the block of layers l-k+1 .. l
                g.addVertex("res" + l, new ElementWiseVertex(ElementWiseVertex.Op.Add), cur, out[l - k]);
                cur = "res" + l;
            }
            out[l] = cur;
        }
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(width)
                .nOut(trial.training().classes()).weightInit(weightInit(trial, width, trial.training().classes()))
                .activation(new ActivationSoftmax()).build(), out[depth]);
        return g.setOutputs("out").build();
    }

    /** The trainable parameter tensors, layer by layer (running batch-norm statistics are not trainable). */
    static List<ParamSlot> slots(TrialConfig trial) {
        List<ParamSlot> slots = new ArrayList<>();
        for (int l = 1; l <= trial.depth(); l++) {
            slots.add(new ParamSlot(l, ParamSlot.Kind.HIDDEN, "W", "h" + l + "_W", "h" + l));
            slots.add(new ParamSlot(l, ParamSlot.Kind.HIDDEN, "b", "h" + l + "_b", "h" + l));
            if (trial.normalization() != Normalization.NONE) {
                slots.add(new ParamSlot(l, ParamSlot.Kind.HIDDEN, "gamma", "bn" + l + "_gamma", "bn" + l));
                slots.add(new ParamSlot(l, ParamSlot.Kind.HIDDEN, "beta", "bn" + l + "_beta", "bn" + l));
            }
            if (trial.activation() == Activation.PRELU)
                slots.add(new ParamSlot(l, ParamSlot.Kind.HIDDEN, "alpha", "act" + l + "_W", "act" + l));
        }
        int o = trial.depth() + 1;
        slots.add(new ParamSlot(o, ParamSlot.Kind.OUTPUT, "W", "out_W", "out"));
        slots.add(new ParamSlot(o, ParamSlot.Kind.OUTPUT, "b", "out_b", "out"));
        return slots;
    }

    /** Per hidden layer, the vertex whose output is the activation function's output. */
    static List<ActivationSlot> activationSlots(TrialConfig trial) {
        boolean separate = trial.normalization() == Normalization.BATCHNORM_BEFORE || trial.activation() == Activation.PRELU;
        List<ActivationSlot> out = new ArrayList<>();
        for (int l = 1; l <= trial.depth(); l++) out.add(new ActivationSlot(l, (separate ? "act" : "h") + l));
        return out;
    }

    /** The number of trainable parameters of the trial's network (batch-norm running statistics excluded). */
    public static long parameterCount(TrialConfig trial) {
        long w = trial.width(), k = trial.training().classes();
        long perLayerExtra = (trial.normalization() != Normalization.NONE ? 2 * w : 0)
                + (trial.activation() == Activation.PRELU ? w : 0);
        return trial.training().inputs() * w + w + (trial.depth() - 1) * (w * w + w) + trial.depth() * perLayerExtra
                + w * k + k;
    }

    static IWeightInit weightInit(TrialConfig trial, int nIn, int nOut) {
        return switch (trial.init()) {
            case ZERO -> WeightInit.ZERO.getWeightInitFunction();
            case SMALL_NORMAL -> normal(trial.training().smallStd());
            case LARGE_NORMAL -> normal(trial.training().largeStd());
            case XAVIER_NORMAL -> WeightInit.XAVIER.getWeightInitFunction();
            case XAVIER_UNIFORM -> WeightInit.XAVIER_UNIFORM.getWeightInitFunction();
            case HE_NORMAL -> WeightInit.RELU.getWeightInitFunction();
            case HE_UNIFORM -> WeightInit.RELU_UNIFORM.getWeightInitFunction();
            case LECUN_NORMAL -> WeightInit.LECUN_NORMAL.getWeightInitFunction();
            // U(-a, a) with a = sqrt(3 / fan_in): variance 1/fan_in (DL4J's LECUN_UNIFORM uses a = 3/sqrt(fan_in): 3/fan_in).
            case LECUN_UNIFORM -> new WeightInitDistribution(new UniformDistribution(-Math.sqrt(3.0 / nIn), Math.sqrt(3.0 / nIn)));
            case SCALED_NORMAL -> normal(Math.sqrt(trial.initGain() / nIn));
        };
    }

    private static IWeightInit normal(double std) { return new WeightInitDistribution(new NormalDistribution(0, std)); }

    static IActivation activation(TrialConfig trial) {
        return switch (trial.activation()) {
            case SIGMOID -> new ActivationSigmoid();
            case TANH -> new ActivationTanH();
            case RELU -> new ActivationReLU();
            case LEAKY_RELU -> new ActivationLReLU(trial.leakyReluSlope());
            case PRELU -> throw new IllegalStateException("prelu is a layer, not an activation function");
            case RRELU -> new RandomizedReLU(RRELU_LOWER, RRELU_UPPER);
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
    public static double varianceScale(TrialConfig trial, int n) {
        return varianceScale(trial.init(), n, n, trial.initGain() == null ? 1 : trial.initGain(),
                trial.training().smallStd(), trial.training().largeStd());
    }

    /**
     * The variance factor s = fan_in x Var(W) of {@code init} for a layer with the given fan-in and
     * fan-out: xavier 2 fan_in / (fan_in + fan_out), he 2, lecun 1, small/large fan_in std^2, scaled-normal g.
     */
    public static double varianceScale(Init init, int fanIn, int fanOut, double gain, double smallStd, double largeStd) {
        return switch (init) {
            case ZERO -> 0;
            case SMALL_NORMAL -> fanIn * smallStd * smallStd;
            case LARGE_NORMAL -> fanIn * largeStd * largeStd;
            case XAVIER_NORMAL, XAVIER_UNIFORM -> 2.0 * fanIn / (fanIn + fanOut);
            case LECUN_NORMAL, LECUN_UNIFORM -> 1;
            case HE_NORMAL, HE_UNIFORM -> 2;
            case SCALED_NORMAL -> gain;
        };
    }
}
