package org.gradstudy.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;

/**
 * DL4J's dense layer, keeping its pre-activation from the forward pass for back-propagation.
 *
 * <p>DL4J 1.0.0-M2.1's {@code BaseLayer} applies the activation in place over z = x W + b, so its
 * {@code backpropGradient} computes z again: one more matrix product, bias broadcast and copy per layer and
 * step (the reference step, depth 16 width 64, went from 3.58 to 2.17 ms without the probe in the step
 * benchmark; a whole study's trials gained much less: README, "Figures on this machine"). This layer
 * copies z into the activations workspace before the activation overwrites it (a copy of batch x width
 * elements) and hands that copy to back-propagation,
 * which is the same array DL4J would have recomputed, in the same workspace: the gradients are bit-for-bit
 * the same (tested). Everything else is DL4J's {@code DenseLayer}. The copy is taken only in training, with
 * no dropout, weight noise or layer normalization (the engine builds none), and used only by the
 * back-propagation of the same input; otherwise DL4J recomputes as before. Off with
 * {@code -Dgradstudy.keptPreOutput=false}.
 */
public class KeptPreOutputDense extends DenseLayer {
    /** The system property that builds DL4J's plain dense layers ({@code false}). */
    public static final String PROPERTY = "gradstudy.keptPreOutput";
    /** The system property that leaves the layers' op arguments to ND4J ({@code false}; {@link LeanOps}). */
    public static final String LEAN_PROPERTY = "gradstudy.leanOps";

    /** For Jackson (DL4J serializes configurations by class name). */
    public KeptPreOutputDense() {}

    /** {@code built} as this class (every configuration field copied), or {@code built} itself when turned off. */
    static DenseLayer of(DenseLayer built) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) return built;
        KeptPreOutputDense copy = new KeptPreOutputDense();
        try {
            for (Class<?> c = DenseLayer.class; c != Object.class; c = c.getSuperclass())
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())) continue;
                    f.setAccessible(true);
                    f.set(copy, f.get(built));
                }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return built;
        }
        return copy;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        Impl layer = new Impl(conf, dataType);
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        ParamInitializer init = initializer();
        Map<String, INDArray> params = init.init(conf, paramsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /**
     * Receives what a layer has just computed, while it is still in the core's cache: the probe reads it there
     * instead of from memory after the whole network's pass (GradientProbe).
     */
    interface Sink {
        /** The layer's parameter gradients (keyed by parameter name: W, b), as its back-propagation has written them. */
        void written(String layer, org.deeplearning4j.nn.gradient.Gradient gradient);

        /**
         * A layer's output (its activation applied), just computed by a training forward pass, while it is still
         * in the core's cache: the array the listeners' {@code onForwardPass} receives for this layer.
         */
        default void activated(String layer, INDArray output) {}
    }

    /** The layer: DL4J's dense layer with z kept between the forward pass and back-propagation. */
    public static final class Impl extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer {
        private INDArray keptZ, keptFor;
        /** {@link #LEAN_PROPERTY} when the layer was built. */
        private final boolean leanOps = Boolean.parseBoolean(System.getProperty(LEAN_PROPERTY, "true"));
        /** Read from the configuration at the first {@link #lean()}: whether the layer is plain, and its activation plain ReLU. */
        private Boolean leanLayer, reluLayer;
        /** This layer's reused ops (used when {@link #lean()}). */
        private final LeanOps ops = new LeanOps();
        private long reused;
        private Sink sink;

        public Impl(NeuralNetConfiguration conf, DataType dataType) { super(conf, dataType); }

        @Override
        protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop, LayerWorkspaceMgr mgr) {
            if (forBackprop && keptZ != null && keptFor == input) {
                INDArray z = keptZ;
                keptZ = keptFor = null;
                reused++;
                return new Pair<>(z, z);
            }
            keptZ = keptFor = null;
            Pair<INDArray, INDArray> z = lean() ? leanPreOutput(training, forBackprop, mgr) : super.preOutputWithPreNorm(training, forBackprop, mgr);
            if (training && !forBackprop && keeps()) {
                INDArray pre = z.getFirst();
                keptZ = lean() ? ops.copy(pre) : mgr.createUninitialized(ArrayType.ACTIVATIONS, pre.dataType(), pre.shape(), pre.ordering()).assign(pre);
                keptFor = input;
            }
            return z;
        }

        /**
         * Whether this layer's ops take their argument arrays from {@link LeanOps}: a bias, no layer norm, dropout,
         * weight noise or mask, and the switch on.
         */
        private boolean lean() {
            if (leanLayer == null) { // the configuration is set once, before the first pass
                leanLayer = leanOps && hasBias() && keeps();
                reluLayer = LeanOps.plainRelu(layerConf().getActivationFn());
            }
            return leanLayer && maskArray == null;
        }

        /**
         * DL4J's {@code BaseLayer.preOutputWithPreNorm} for a plain layer (z = x W, then z += b row by row), with the
         * bias broadcast's dimension array shared ({@link LeanOps}). z is C-ordered, so DL4J's {@code addiRowVector}
         * runs the same broadcast add whenever z has more than one row and column; otherwise it is left to DL4J.
         */
        private Pair<INDArray, INDArray> leanPreOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr mgr) {
            assertInputSet(forBackprop);
            applyDropOutIfNecessary(training, mgr);
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, mgr);
            INDArray b = getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, mgr);
            INDArray in = input.castTo(dataType);
            if (in.rank() != 2 || in.columns() != w.rows()) return super.preOutputWithPreNorm(training, forBackprop, mgr); // DL4J's error
            INDArray z = mgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), in.size(0), w.size(1));
            ops.matmul(in.castTo(z.dataType()), w, z);
            if (z.ordering() == 'c' && z.rows() > 1 && z.columns() > 1 && b.isRowVector()) ops.addRowVector(z, b);
            else z.addiRowVector(b);
            return new Pair<>(z, z);
        }

        /** Whether the recomputation would be the forward z exactly: no dropout, weight noise or layer norm. */
        private boolean keeps() {
            return layerConf().getIDropout() == null && layerConf().getWeightNoise() == null && !hasLayerNorm();
        }

        /** Hands each back-propagation's parameter gradients and each training output to {@code sink} (null: to no one). */
        void sink(Sink sink) { this.sink = sink; }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            // DL4J's BaseLayer.activate: z, then the activation in place; plain ReLU with the shared scalar 0.
            INDArray out = lean() && reluLayer ? ops.relu(preOutput(training, mgr))
                    : super.activate(training, mgr);
            if (training && sink != null) sink.activated(layerConf().getLayerName(), out);
            return out;
        }

        @Override
        public Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> out = lean() ? leanBackprop(epsilon, mgr) : super.backpropGradient(epsilon, mgr);
            if (sink != null) sink.written(layerConf().getLayerName(), out.getFirst());
            return out;
        }

        /**
         * DL4J's {@code BaseLayer.backpropGradient} for a plain layer, with the bias gradient's column sum taking the
         * shared dimension array and plain ReLU's dL/dz written into the layer's own buffer ({@link LeanOps}): the same ops
         * in the same order, into the same arrays but that one.
         */
        private Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> leanBackprop(INDArray epsilon, LayerWorkspaceMgr mgr) {
            assertInputSet(true);
            INDArray z = preOutputWithPreNorm(true, true, mgr).getFirst();
            IActivation fn = layerConf().getActivationFn();
            INDArray delta = reluLayer ? ops.reluBackprop(z, epsilon, fn) : fn.backprop(z, epsilon).getFirst();
            org.deeplearning4j.nn.gradient.Gradient ret = new DefaultGradient();
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            ops.columnSums(delta, biasGrad);
            ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, mgr);
            INDArray epsilonNext = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(), new long[] {w.size(0), delta.size(0)}, 'f');
            epsilonNext = w.mmuli(delta.transpose(), epsilonNext).transpose();
            INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
            Nd4j.gemm(input.castTo(weightGrad.dataType()), delta, weightGrad, true, false, 1.0, 0.0);
            ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
            weightNoiseParams.clear();
            return new Pair<>(ret, backpropDropOutIfPresent(epsilonNext));
        }

        /** Ops this layer has built for {@link LeanOps} (the first time, or for a new shape). */
        long leanOpsBuilt() { return ops.built(); }

        /** Back-propagations that used the kept z instead of recomputing it. */
        long reused() { return reused; }

        @Override
        public void clear() {
            super.clear();
            keptZ = keptFor = null;
        }
    }
}
