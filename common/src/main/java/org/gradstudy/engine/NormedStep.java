package org.gradstudy.engine;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.StepFunction;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.deeplearning4j.optimize.solvers.StochasticGradientDescent;
import org.deeplearning4j.optimize.stepfunctions.NegativeGradientStepFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DL4J's gradient-descent step ({@code params -= update}, its {@code NegativeGradientStepFunction}) that, on
 * the steps the probe asks for, takes each slot's update and updated-parameter L2 norms as it goes: parameter
 * by parameter, right after subtracting it, while the two arrays are in the core's cache.
 *
 * <p>Without it, the probe read every update and parameter once more after the step, from memory at the
 * larger shapes: a depth-64, width-256 network's are 33 MB each, read at 1.8-2.0 ms of a 45 ms step. Here,
 * one parameter at a time over the flat arrays: a double one is subtracted by OpenBLAS's {@code axpy} (alpha
 * -1, exactly ND4J's {@code subi}), and its norms are {@link TensorStats#l2(INDArray, INDArray,
 * Scratch, Scratch, double[])} of the views the probe read, now in the cache; a float
 * one takes a single Java pass that subtracts and sums both squares as {@code l2} does
 * ({@link #subtractFloat}). The same bits either way (tested against the plain step, parameters
 * and records alike). Measured in a harness around {@code Trainer}: relu d64 w256 the probe's update-norm
 * callback 1.9-2.0 -> 0.04 ms, the step 4.6 -> 6.0 ms; relu d16 w64 float 0.050 -> 0.007 ms and 0.055 -> 0.08 ms.
 *
 * <p>Used when the flat parameter and update arrays are tiled, in the same layout, by the network's
 * per-parameter views (true of every network the factory builds; checked at the first step it is asked for),
 * and OpenBLAS is loaded; any other step is DL4J's {@code subi}. Off with {@code -Dgradstudy.normedStep=false}.
 */
final class NormedStep implements StepFunction {
    private static final long serialVersionUID = 1L;
    /** The system property that keeps DL4J's plain step ({@code false}). */
    static final String PROPERTY = "gradstudy.normedStep";
    private static final sun.misc.Unsafe U = TensorStats.UNSAFE;

    private final transient ComputationGraph net;
    private final transient String[] slotKeys;
    private final transient Scratch su, sp;
    private final transient NegativeGradientStepFunction plain = new NegativeGradientStepFunction();
    private final double[] updateL2, paramL2, pair = new double[2];
    /** The parameters in the order of the flat arrays; null until laid out, or when they cannot be. */
    private transient Range[] layout;
    private boolean laidOut, wanted, delivered;
    private long taken;
    private long paramsAt, updatesAt;

    /** One parameter: its views, its place in the flat arrays (bytes from their start) and its slot, or -1. */
    private record Range(INDArray param, INDArray update, long offset, int length, int slot) {}

    private NormedStep(ComputationGraph net, String[] slotKeys, Scratch su, Scratch sp) {
        this.net = net;
        this.slotKeys = slotKeys;
        this.su = su;
        this.sp = sp;
        this.updateL2 = new double[slotKeys.length];
        this.paramL2 = new double[slotKeys.length];
    }

    /**
     * Installs the step as {@code net}'s (before its first fit), reading with the probe's scratch buffers
     * (the step runs on the training thread between two of the probe's callbacks); null when it is off.
     */
    static NormedStep install(ComputationGraph net, String[] slotKeys, Scratch su, Scratch sp) {
        if (!Blas.LOADED || !Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) return null;
        NormedStep step = new NormedStep(net, slotKeys, su, sp);
        return use(net, step) ? step : null;
    }

    /**
     * Makes {@code step} {@code net}'s gradient-descent step, or DL4J's plain one when {@code step} is null
     * (the step benchmark attaches and detaches probes on one network). False when the network's step is
     * neither: an optimizer other than DL4J's gradient descent, or another DL4J.
     */
    static boolean use(ComputationGraph net, NormedStep step) {
        try {
            net.getUpdater(); // builds the solver and its optimizer if nothing has yet
            if (!(net.getOptimizer() instanceof StochasticGradientDescent sgd)) return false;
            java.lang.reflect.Field field = BaseOptimizer.class.getDeclaredField("stepFunction");
            field.setAccessible(true);
            Object current = field.get(sgd);
            if (!(current instanceof NegativeGradientStepFunction || current instanceof NormedStep)) return false;
            field.set(sgd, step != null ? step : new NegativeGradientStepFunction());
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // another DL4J: its own step
        }
    }

    /** Asks the next step to take the norms (or not). */
    void request(boolean norms) {
        wanted = norms;
        delivered = false;
    }

    /** Whether the last step took the norms (else the probe reads them itself). */
    boolean delivered() { return delivered; }

    /** Steps that took the norms so far. */
    long taken() { return taken; }

    /** Slot {@code i}'s update norm, of the last step that {@link #delivered}. */
    double updateL2(int i) { return updateL2[i]; }

    /** Slot {@code i}'s parameter norm after that step's update. */
    double paramL2(int i) { return paramL2[i]; }

    @Override
    public void step(INDArray params, INDArray update) {
        boolean want = wanted;
        wanted = delivered = false;
        if (want && !laidOut) {
            laidOut = true;
            layout = layout(params, update);
        }
        if (!want || layout == null || su.address(params) != paramsAt || su.address(update) != updatesAt) {
            plain.step(params, update);
            return;
        }
        boolean doubles = params.dataType() == DataType.DOUBLE;
        for (Range r : layout) {
            long u = updatesAt + r.offset(), p = paramsAt + r.offset();
            if (r.slot() < 0) Blas.subtract(su.blas, doubles, u, p, r.length());
            else if (doubles) { // OpenBLAS subtracts, then the norms (OpenBLAS's too, at 512 elements and more) read the cache
                Blas.subtract(su.blas, true, u, p, r.length());
                TensorStats.l2(r.update(), r.param(), su, sp, pair);
                updateL2[r.slot()] = pair[0];
                paramL2[r.slot()] = pair[1];
            } else { // floats: one Java pass subtracts and sums both squares
                if (!Moments.vector || r.length() < Moments.VECTOR_MIN || !subtractFloat(r.update(), r.param(), u, p, r.length(), pair, su, sp))
                    subtractFloat(u, p, r.length(), pair);
                updateL2[r.slot()] = TensorStats.l2OfFloat(pair[0], r.update(), su);
                paramL2[r.slot()] = TensorStats.l2OfFloat(pair[1], r.param(), sp);
            }
        }
        java.lang.ref.Reference.reachabilityFence(params);
        java.lang.ref.Reference.reachabilityFence(update);
        delivered = true;
        taken++;
    }

    /**
     * The network's parameters in flat-array order, when their views tile the flat parameter and update
     * arrays alike, contiguously, with every slot among them; else null.
     */
    private Range[] layout(INDArray params, INDArray update) {
        DataType type = params.dataType();
        if ((type != DataType.DOUBLE && type != DataType.FLOAT) || update.dataType() != type || params.length() != update.length()
                || params.elementWiseStride() != 1 || update.elementWiseStride() != 1 || net.gradient() == null) return null;
        long p0 = su.address(params), u0 = su.address(update), size = params.data().getElementSize();
        Map<String, Integer> slotOf = new HashMap<>();
        for (int i = 0; i < slotKeys.length; i++) slotOf.put(slotKeys[i], i);
        List<Range> ranges = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : net.gradient().gradientForVariable().entrySet()) {
            INDArray u = e.getValue(), p = net.getParam(e.getKey());
            if (p == null || u == null || p.dataType() != type || u.dataType() != type || p.length() != u.length()
                    || p.elementWiseStride() != 1 || u.elementWiseStride() != 1 || p.length() > Integer.MAX_VALUE) return null;
            long offset = su.address(p) - p0;
            if (su.address(u) - u0 != offset) return null;
            ranges.add(new Range(p, u, offset, (int) p.length(), slotOf.getOrDefault(e.getKey(), -1)));
        }
        ranges.sort(Comparator.comparingLong(Range::offset));
        long end = 0;
        int slotted = 0;
        for (Range r : ranges) {
            if (r.offset() != end) return null;
            end += r.length() * size;
            if (r.slot() >= 0) slotted++;
        }
        if (end != params.length() * size || slotted != slotKeys.length) return null;
        paramsAt = p0;
        updatesAt = u0;
        return ranges.toArray(Range[]::new);
    }

    /**
     * {@code p[i] -= u[i]} over the {@code n} floats at native addresses {@code u} and {@code p}, with the sums of
     * squares of the update and of the new parameters into {@code out}: each sum as {@link TensorStats#l2} takes it of a
     * float tensor (widened, element i into partial sum i % 8, the last n % 8 into the first, the partials added
     * pairwise), in the same pass.
     */
    static void subtractFloat(long u, long p, int n, double[] out) {
        double q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0;
        double r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0, r7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            long a = (long) i << 2;
            float u0 = U.getFloat(u + a), u1 = U.getFloat(u + a + 4), u2 = U.getFloat(u + a + 8), u3 = U.getFloat(u + a + 12);
            float u4 = U.getFloat(u + a + 16), u5 = U.getFloat(u + a + 20), u6 = U.getFloat(u + a + 24), u7 = U.getFloat(u + a + 28);
            float p0 = U.getFloat(p + a) - u0, p1 = U.getFloat(p + a + 4) - u1, p2 = U.getFloat(p + a + 8) - u2;
            float p3 = U.getFloat(p + a + 12) - u3, p4 = U.getFloat(p + a + 16) - u4, p5 = U.getFloat(p + a + 20) - u5;
            float p6 = U.getFloat(p + a + 24) - u6, p7 = U.getFloat(p + a + 28) - u7;
            U.putFloat(p + a, p0);
            U.putFloat(p + a + 4, p1);
            U.putFloat(p + a + 8, p2);
            U.putFloat(p + a + 12, p3);
            U.putFloat(p + a + 16, p4);
            U.putFloat(p + a + 20, p5);
            U.putFloat(p + a + 24, p6);
            U.putFloat(p + a + 28, p7);
            q0 += (double) u0 * u0;
            q1 += (double) u1 * u1;
            q2 += (double) u2 * u2;
            q3 += (double) u3 * u3;
            q4 += (double) u4 * u4;
            q5 += (double) u5 * u5;
            q6 += (double) u6 * u6;
            q7 += (double) u7 * u7;
            r0 += (double) p0 * p0;
            r1 += (double) p1 * p1;
            r2 += (double) p2 * p2;
            r3 += (double) p3 * p3;
            r4 += (double) p4 * p4;
            r5 += (double) p5 * p5;
            r6 += (double) p6 * p6;
            r7 += (double) p7 * p7;
        }
        for (; i < n; i++) {
            long a = (long) i << 2;
            float x = U.getFloat(u + a), y = U.getFloat(p + a) - x;
            U.putFloat(p + a, y);
            q0 += (double) x * x;
            r0 += (double) y * y;
        }
        out[0] = ((q0 + q1) + (q2 + q3)) + ((q4 + q5) + (q6 + q7)); // as Moments.combine
        out[1] = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    }

    /**
     * {@link #subtractFloat(long, long, int, double[])} in SIMD registers, in place: the update {@code uv} (at native
     * address {@code u}) and the parameter {@code pv} (at {@code p}) read and the parameter written through byte
     * buffers over their memory ({@link Scratch#bytes(INDArray)}), eight floats subtracted and squared at a time
     * ({@link Moments#subtractFloat}: the eight partial sums as lanes), the last elements into the first. The same
     * partial sums in the same order as the scalar pass, so the same bits (tested). With {@link Moments#heapFloats},
     * both are copied into the scratches' float arrays instead, the pass runs there, and the new parameters are
     * copied back. False, with nothing done, when no byte buffer can cover them.
     */
    static boolean subtractFloat(INDArray uv, INDArray pv, long u, long p, int n, double[] out, Scratch su, Scratch sp) {
        if (Moments.heapFloats && n <= Moments.HEAP_FLOATS_MAX) { // copied in, subtracted and squared in the arrays, the parameters copied back
            float[] fu = su.floats(n), fp = sp.floats(n);
            U.copyMemory(null, u, fu, sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET, (long) n * Float.BYTES);
            U.copyMemory(null, p, fp, sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET, (long) n * Float.BYTES);
            double[] lanes = su.partials;
            int i = Moments.subtractFloat(fu, fp, n, lanes, su);
            for (; i < n; i++) {
                float x = fu[i], y = fp[i] - x;
                fp[i] = y;
                lanes[0] += (double) x * x;
                lanes[8] += (double) y * y;
            }
            U.copyMemory(fp, sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET, null, p, (long) n * Float.BYTES);
            java.lang.ref.Reference.reachabilityFence(uv);
            java.lang.ref.Reference.reachabilityFence(pv);
            out[0] = Moments.combine(lanes, 0);
            out[1] = Moments.combine(lanes, 8);
            return true;
        }
        java.nio.ByteBuffer ub = su.bytes(uv), pb = sp.bytes(pv);
        if (ub == null || pb == null) return false;
        double[] lanes = su.partials; // 16 of its 33, free between passes
        int i = Moments.subtractFloat(ub, su.foundAt, pb, sp.foundAt, n, lanes, su);
        for (; i < n; i++) {
            long a = (long) i << 2;
            float x = U.getFloat(u + a), y = U.getFloat(p + a) - x;
            U.putFloat(p + a, y);
            lanes[0] += (double) x * x;
            lanes[8] += (double) y * y;
        }
        out[0] = Moments.combine(lanes, 0);
        out[1] = Moments.combine(lanes, 8);
        return true;
    }

    @Override
    public void step(INDArray params, INDArray update, double step) { plain.step(params, update, step); }

    @Override
    public void step() { plain.step(); }
}
