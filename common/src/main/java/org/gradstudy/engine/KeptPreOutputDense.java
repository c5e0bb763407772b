package org.gradstudy.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

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
            Pair<INDArray, INDArray> z = super.preOutputWithPreNorm(training, forBackprop, mgr);
            if (training && !forBackprop && keeps()) {
                INDArray pre = z.getFirst();
                keptZ = mgr.createUninitialized(ArrayType.ACTIVATIONS, pre.dataType(), pre.shape(), pre.ordering()).assign(pre);
                keptFor = input;
            }
            return z;
        }

        /** Whether the recomputation would be the forward z exactly: no dropout, weight noise or layer norm. */
        private boolean keeps() {
            return layerConf().getIDropout() == null && layerConf().getWeightNoise() == null && !hasLayerNorm();
        }

        /** Hands each back-propagation's parameter gradients and each training output to {@code sink} (null: to no one). */
        void sink(Sink sink) { this.sink = sink; }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            INDArray out = super.activate(training, mgr);
            if (training && sink != null) sink.activated(layerConf().getLayerName(), out);
            return out;
        }

        @Override
        public Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> out = super.backpropGradient(epsilon, mgr);
            if (sink != null) sink.written(layerConf().getLayerName(), out.getFirst());
            return out;
        }

        /** Back-propagations that used the kept z instead of recomputing it. */
        long reused() { return reused; }

        @Override
        public void clear() {
            super.clear();
            keptZ = keptFor = null;
        }
    }
}
