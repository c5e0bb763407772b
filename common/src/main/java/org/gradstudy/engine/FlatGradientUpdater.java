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
 *
 * <p>It also divides the gradient by the minibatch size itself, in a Java pass that checks for non-finite values
 * on the way ({@link #divideByMinibatch}): the probe's check of the steps it does not record.
 */
final class FlatGradientUpdater extends ComputationGraphUpdater {
    FlatGradientUpdater(ComputationGraph net) { super(net); }

    /** Whether this updater divides by the minibatch size itself where it can ({@link #CHECKED_DIVISION_PROPERTY}). */
    private final boolean checkedDivision = Boolean.parseBoolean(System.getProperty(CHECKED_DIVISION_PROPERTY, "true"));
    /** {@link #checkedDivisionCovers} for the last minibatch size asked (networks train on one size). */
    private int coverageBatch = -1;
    private long coverage;

    /** The system property that keeps DL4J's plain updater ({@code false}). */
    public static final String PROPERTY = "gradstudy.flatGradient";

    /** Installs it as {@code net}'s updater (before training starts) unless {@code -Dgradstudy.flatGradient=false}. */
    static void install(ComputationGraph net) {
        if (Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) net.setUpdater(new FlatGradientUpdater(net));
    }

    /**
     * What the division by the minibatch size reports to: a probe that leaves its non-finite check of a step to
     * this pass ({@link #divideByMinibatch}).
     */
    interface Division {
        /** Whether this step's division should check the gradient for non-finite values. */
        boolean wanted();

        /** The step's gradient, now divided by the minibatch size, was all finite (or not). */
        void divided(boolean finite);
    }

    /** The system property that keeps DL4J's own division ({@code false}), the probe then checking with a pass of its own. */
    static final String CHECKED_DIVISION_PROPERTY = "gradstudy.checkedDivision";
    private static final sun.misc.Unsafe U = TensorStats.UNSAFE;
    private Division division;
    private final Scratch scratch = new Scratch();
    /** The flat gradient's subsets that DL4J divides by the minibatch size (all but batch norm's running statistics). */
    private java.util.List<INDArray> subsets;

    /** Reports each checked division to {@code d} from now on (null: none, DL4J's own division). */
    void division(Division d) { this.division = d; }

    /**
     * Elements of the flat gradient that the division covers when this updater can check as it divides a
     * minibatch of {@code batchSize}, else -1: the batch size a power of two (dividing by it is multiplying by
     * its exact reciprocal, the same bits as ND4J's division), the network trained on minibatches, and every
     * subset a contiguous double or float array; not with {@code -Dgradstudy.checkedDivision=false} (read as the
     * network is built).
     */
    long checkedDivisionCovers(int batchSize) {
        if (getFlattenedGradientsView() == null) return -1; // before the first step
        if (batchSize != coverageBatch) {
            coverage = coverage(batchSize);
            coverageBatch = batchSize;
        }
        return coverage;
    }

    private long coverage(int batchSize) {
        if (!checkedDivision || batchSize < 1 || Integer.bitCount(batchSize) != 1 || !isMiniBatch()) return -1;
        long n = 0;
        for (INDArray s : subsets()) {
            if (s.elementWiseStride() != 1 || (s.dataType() != org.nd4j.linalg.api.buffer.DataType.DOUBLE
                    && s.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT)) return -1;
            n += s.length();
        }
        return n;
    }

    private java.util.List<INDArray> subsets() {
        if (subsets == null) subsets = getMinibatchDivisionSubsets(getFlattenedGradientsView());
        return subsets;
    }

    /**
     * DL4J's division of the network's own gradient by the minibatch size, in one Java pass that also checks every
     * element for a non-finite value: the probe's check of a step it does not record ({@link Division#wanted}),
     * without a pass of its own (a depth-64, width-256 gradient is 33 MB). Multiplying by the reciprocal of a power
     * of two gives the same bits as dividing by it (tested against ND4J's division), and costs less than ND4J's op
     * at every size (harness, 2026-12-07: the probe attached but recording nothing took 0.2-0.7% less CPU per step
     * than no probe with ND4J's division, relu d4 w64 to d64 w256), so it divides with or without a probe.
     * Any other case is DL4J's division.
     */
    @Override
    protected void divideByMinibatch(boolean isExternal, Gradient gradient, int batchSize) {
        Division d = division;
        boolean wanted = d != null && d.wanted();
        if (isExternal || checkedDivisionCovers(batchSize) < 0) {
            super.divideByMinibatch(isExternal, gradient, batchSize);
            if (wanted) { // not expected (the probe asks only where this pass divides): the check in a pass of its own
                boolean finite = true;
                for (INDArray s : isExternal ? getMinibatchDivisionSubsets(gradient.gradient()) : subsets()) finite &= TensorStats.allFinite(s, scratch);
                d.divided(finite);
            }
            return;
        }
        boolean finite = true;
        for (INDArray s : subsets()) {
            long a = TensorStats.firstElement(s), n = s.length();
            finite &= s.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? scaleDoubles(a, n, 1.0 / batchSize) : scaleFloats(a, n, 1f / batchSize);
            java.lang.ref.Reference.reachabilityFence(s);
        }
        if (wanted) d.divided(finite);
    }

    /** {@code x[i] *= r} over the {@code n} doubles at {@code a}; whether all of them were finite. */
    static boolean scaleDoubles(long a, long n, double r) {
        double z0 = 0, z1 = 0, z2 = 0, z3 = 0;
        long i = 0;
        for (; i + 3 < n; i += 4) {
            long o = a + (i << 3);
            double x0 = U.getDouble(o), x1 = U.getDouble(o + 8), x2 = U.getDouble(o + 16), x3 = U.getDouble(o + 24);
            U.putDouble(o, x0 * r);
            U.putDouble(o + 8, x1 * r);
            U.putDouble(o + 16, x2 * r);
            U.putDouble(o + 24, x3 * r);
            z0 += x0 * 0.0;
            z1 += x1 * 0.0;
            z2 += x2 * 0.0;
            z3 += x3 * 0.0;
        }
        for (; i < n; i++) {
            long o = a + (i << 3);
            double x = U.getDouble(o);
            U.putDouble(o, x * r);
            z0 += x * 0.0;
        }
        return (z0 + z1 + z2 + z3) == 0;
    }

    /** {@code x[i] *= r} over the {@code n} floats at {@code a}; whether all of them were finite. */
    static boolean scaleFloats(long a, long n, float r) {
        float z0 = 0, z1 = 0, z2 = 0, z3 = 0;
        long i = 0;
        for (; i + 3 < n; i += 4) {
            long o = a + (i << 2);
            float x0 = U.getFloat(o), x1 = U.getFloat(o + 4), x2 = U.getFloat(o + 8), x3 = U.getFloat(o + 12);
            U.putFloat(o, x0 * r);
            U.putFloat(o + 4, x1 * r);
            U.putFloat(o + 8, x2 * r);
            U.putFloat(o + 12, x3 * r);
            z0 += x0 * 0f;
            z1 += x1 * 0f;
            z2 += x2 * 0f;
            z3 += x3 * 0f;
        }
        for (; i < n; i++) {
            long o = a + (i << 2);
            float x = U.getFloat(o);
            U.putFloat(o, x * r);
            z0 += x * 0f;
        }
        return (z0 + z1 + z2 + z3) == 0;
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
