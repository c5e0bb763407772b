package org.gradstudy.engine;

import org.bytedeco.javacpp.BooleanPointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.api.shape.TadPack;
import org.nd4j.linalg.cpu.nativecpu.ops.CpuOpContext;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.nativeblas.OpaqueContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * ND4J's CPU executioner, keeping per thread (or per JVM) what ND4J 1.0.0-M2.1 builds anew for every op
 * and leaves to the garbage collector.
 *
 * <p>Each of those objects is a native allocation plus a Java chain registered with ND4J's
 * {@code DeallocatorService} or JavaCPP's deallocator: the chain survives a young collection (every young
 * collection copies all of the chains made since the last one), and the native object is freed later on
 * one of the service's threads, taken from the trials' cores. Counted at depth 16, width 64 (a harness
 * around {@link Trainer}), ND4J registered 256 such chains per step before the TAD packs were kept, and 148
 * after; JavaCPP's deallocators (JFR allocation samples) were for the op arguments and the TAD dimensions.
 * <ul>
 * <li><b>Op contexts</b> ({@code -Dgradstudy.opContextReuse=false} turns this off): ND4J runs each custom op
 * (an activation's derivative, the loss and its gradient: one or more per layer per step) in a fresh
 * {@link CpuOpContext}, whose {@code close()} does nothing. Here each thread's custom ops share one
 * context. ND4J's custom-op path closes the context after every op; closing clears it for the next op:
 * the op's arrays (ND4J's {@code purge}), its integer, float, boolean and data type arguments (the path
 * sets them only when there are some, so an op without any would otherwise see the previous op's), and
 * the shape-function flag (set only when true). A context asked for while the thread's one is in use
 * (nested) is a fresh one, as in ND4J. The integer and float arguments go through two native buffers the
 * context keeps (ND4J allocates a JavaCPP pointer for each op's; libnd4j copies the values either way).</li>
 * <li><b>TAD packs</b> ({@code -Dgradstudy.tadCache=false}): every op along a dimension (the bias add, the
 * bias gradient's sum, the loss: about three per layer and step) asks for the "tensor along dimension" shape and
 * offsets of its input. libnd4j keeps those in its constant cache for the life of the process, but ND4J
 * wraps the two native arrays in two new Java buffers each time (and the dimensions in a JavaCPP pointer).
 * Here the wrappers are kept per distinct (shape descriptor, dimensions), up to {@link #MAX_TADS}; past
 * that they are built as in ND4J. ND4J itself keeps using the wrapped arrays after releasing its handle
 * on the pack, so they are the constant cache's.</li>
 * </ul>
 *
 * <p>Installed once per JVM by {@link #install()}, before the first network. Results are bit-for-bit the
 * same with and without it (tested: six networks of every layer kind, optimizer and clipping mode).
 */
public final class ReusingExecutioner extends NativeOpExecutioner {
    private static final Logger LOG = LoggerFactory.getLogger(ReusingExecutioner.class);
    /** The system property that turns the op-context reuse off ({@code false}). */
    public static final String CONTEXTS = "gradstudy.opContextReuse";
    /** The system property that turns the TAD pack cache off ({@code false}). */
    public static final String TADS = "gradstudy.tadCache";
    /** Distinct (shape, dimensions) pairs kept; a study's networks use a few dozen. */
    static final int MAX_TADS = 4096;

    private final boolean reuseContexts, cacheTads;
    private final ThreadLocal<Reused> contexts = ThreadLocal.withInitial(Reused::new);
    private final ConcurrentHashMap<TadKey, TadPack> tads = new ConcurrentHashMap<>();
    /** Contexts handed out again, and TAD packs served from the cache (striped counters: task threads ask concurrently). */
    private final LongAdder reuses = new LongAdder(), tadHits = new LongAdder();

    ReusingExecutioner(boolean reuseContexts, boolean cacheTads) {
        this.reuseContexts = reuseContexts;
        this.cacheTads = cacheTads;
    }

    @Override
    public OpContext buildContext() {
        if (!reuseContexts) return super.buildContext();
        Reused c = contexts.get();
        if (c.inUse) return new CpuOpContext();
        c.inUse = true;
        reuses.increment();
        return c;
    }

    /** One TAD request: a stored key owns copies of the arrays, a lookup key wraps the caller's. */
    private record TadKey(long[] shapeInfo, int[] dimensions) {
        @Override
        public boolean equals(Object o) {
            return o instanceof TadKey k && Arrays.equals(shapeInfo, k.shapeInfo) && Arrays.equals(dimensions, k.dimensions);
        }

        @Override
        public int hashCode() { return 31 * Arrays.hashCode(shapeInfo) + Arrays.hashCode(dimensions); }
    }

    @Override
    public TadPack tadShapeInfoAndOffsets(INDArray array, int[] dimension) {
        if (!cacheTads) return super.tadShapeInfoAndOffsets(array, dimension);
        // The full descriptor: rank, shape, strides, data type and flags, element-wise stride, order.
        long[] shapeInfo = array.shapeInfoJava();
        TadPack cached = tads.get(new TadKey(shapeInfo, dimension));
        if (cached != null) {
            tadHits.increment();
            return cached;
        }
        if (tads.size() >= MAX_TADS) return super.tadShapeInfoAndOffsets(array, dimension);
        return tads.computeIfAbsent(new TadKey(shapeInfo.clone(), dimension.clone()), k -> super.tadShapeInfoAndOffsets(array, dimension));
    }

    /** Contexts handed out again since this executioner was installed. */
    long reuses() { return reuses.sum(); }

    /** TAD packs served from the cache since this executioner was installed. */
    long tadHits() { return tadHits.sum(); }

    int tadsCached() { return tads.size(); }

    /** A context that clears itself on {@link #close()} instead of waiting for the garbage collector. */
    static final class Reused extends CpuOpContext {
        private final NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        /** The integer and float arguments' native buffers, grown as needed. */
        private LongPointer iArgs = new LongPointer(8);
        private DoublePointer tArgs = new DoublePointer(8);
        boolean inUse;

        @Override
        public void setIArguments(long... arguments) {
            if (arguments.length == 0 && fastpath_i.isEmpty()) return;
            fastpath_i.clear(); // the Java-side copy, as ND4J's base context keeps it
            for (long a : arguments) fastpath_i.add(a);
            if (arguments.length > iArgs.capacity()) iArgs = new LongPointer(arguments.length);
            iArgs.put(arguments, 0, arguments.length);
            ops.setGraphContextIArguments(nativeContext(), arguments.length == 0 ? null : iArgs, arguments.length);
        }

        @Override
        public void setTArguments(double... arguments) {
            if (arguments.length == 0 && fastpath_t.isEmpty()) return;
            fastpath_t.clear();
            for (double a : arguments) fastpath_t.add(a);
            if (arguments.length > tArgs.capacity()) tArgs = new DoublePointer(arguments.length);
            tArgs.put(arguments, 0, arguments.length);
            ops.setGraphContextTArguments(nativeContext(), arguments.length == 0 ? null : tArgs, arguments.length);
        }

        @Override
        public void setBArguments(boolean... arguments) {
            if (arguments.length > 0) super.setBArguments(arguments);
            else if (!fastpath_b.isEmpty()) {
                fastpath_b.clear();
                ops.setGraphContextBArguments(nativeContext(), (BooleanPointer) null, 0);
            }
        }

        @Override
        public void setDArguments(DataType... arguments) {
            if (arguments.length > 0) super.setDArguments(arguments);
            else if (!fastpath_d.isEmpty()) {
                fastpath_d.clear();
                ops.setGraphContextDArguments(nativeContext(), (IntPointer) null, 0);
            }
        }

        private OpaqueContext nativeContext() { return (OpaqueContext) contextPointer(); }

        @Override
        public void close() {
            purge();
            shapeFunctionOverride(false);
            inUse = false;
        }
    }

    /**
     * Puts this executioner in place of ND4J's, once per JVM; does nothing when it is already there or both
     * parts are switched off. ND4J has no setter for its executioner, so the field is set by reflection; if
     * that fails (another ND4J version or backend), a warning is logged and ND4J's stays.
     */
    public static synchronized void install() {
        boolean contexts = Boolean.parseBoolean(System.getProperty(CONTEXTS, "true"));
        boolean tads = Boolean.parseBoolean(System.getProperty(TADS, "true"));
        OpExecutioner current = Nd4j.getExecutioner();
        if (current instanceof ReusingExecutioner || !(contexts || tads)) return;
        if (current.getClass() != NativeOpExecutioner.class) {
            LOG.warn("ND4J op contexts and TAD packs stay one per op: the executioner is {}, not the CPU backend's", current.getClass().getName());
            return;
        }
        try {
            ReusingExecutioner reusing = new ReusingExecutioner(contexts, tads);
            reusing.setProfilingMode(current.getProfilingMode());
            setExecutioner(reusing);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("ND4J op contexts and TAD packs stay one per op: {}", e.toString());
        }
    }

    /** Restores a plain CPU executioner (tests compare results with and without the reuse). */
    static synchronized void uninstall() throws ReflectiveOperationException {
        if (Nd4j.getExecutioner() instanceof ReusingExecutioner) setExecutioner(new NativeOpExecutioner());
    }

    /** The installed executioner, or null. */
    static ReusingExecutioner installed() {
        return Nd4j.getExecutioner() instanceof ReusingExecutioner r ? r : null;
    }

    private static void setExecutioner(OpExecutioner executioner) throws ReflectiveOperationException {
        ShapeInfoCache.setNd4jField("OP_EXECUTIONER_INSTANCE", executioner);
    }
}
