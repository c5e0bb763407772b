package org.gradstudy.engine;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * DL4J's own graph updater, handed the network's flat gradient array itself so that it takes its cached path.
 *
 * <p>DL4J 1.0.0-M2.1's updater treats a gradient as "external" (another model's, e.g. from parameter
 * averaging) when {@code gradient.gradient()} is not the very object of the network's flat gradient view.
 * But {@code DefaultGradient.gradient()} returns a new reshaped view on every call, so the test never
 * holds, and every step takes the external path: per parameter, it builds fresh views of the flat gradient
 * and parameters to divide by the batch size and to apply regularization before and after the update
 * (eight arrays per parameter per step at no regularization, each with its native buffer and deallocator).
 * This subclass passes a gradient whose {@code gradient()} is the network's view when the two share their
 * memory, which they do for every gradient DL4J's own back-propagation produces; the cached path then
 * applies the same operations to the same elements through views built once. Results are bit-for-bit the
 * same (tested); any other gradient goes through unchanged. Off with {@code -Dgradstudy.flatGradient=false}.
 */
final class FlatGradientUpdater extends ComputationGraphUpdater {
    FlatGradientUpdater(ComputationGraph net) { super(net); }

    /** The system property that keeps DL4J's plain updater ({@code false}). */
    public static final String PROPERTY = "gradstudy.flatGradient";

    /** Installs it as {@code net}'s updater (before training starts) unless {@code -Dgradstudy.flatGradient=false}. */
    static void install(ComputationGraph net) {
        if (Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) net.setUpdater(new FlatGradientUpdater(net));
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
        INDArray view = getFlattenedGradientsView();
        INDArray flat = gradient.gradient();
        super.update(view != null && sameElements(flat, view) ? new Flat(gradient, view) : gradient, iteration, epoch, batchSize, workspaceMgr);
    }

    /** Whether {@code a} and {@code b} are the same contiguous elements of the same memory. */
    static boolean sameElements(INDArray a, INDArray b) {
        return a != null && a.length() == b.length() && a.dataType() == b.dataType() && a.elementWiseStride() == 1
                && b.elementWiseStride() == 1 && a.data().addressPointer().address() == b.data().addressPointer().address();
    }

    /** {@code source}'s per-variable gradients in their order, with {@code view} as the flat gradient, returned as is. */
    private static final class Flat extends DefaultGradient {
        private final INDArray view;

        Flat(Gradient source, INDArray view) {
            super(view);
            this.view = view;
            for (Map.Entry<String, INDArray> e : source.gradientForVariable().entrySet())
                setGradientFor(e.getKey(), e.getValue(), source.flatteningOrderForVariable(e.getKey()));
        }

        @Override
        public INDArray gradient() { return view; }
    }
}
