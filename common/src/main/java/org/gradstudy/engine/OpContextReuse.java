package org.gradstudy.engine;

import org.bytedeco.javacpp.BooleanPointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.cpu.nativecpu.ops.CpuOpContext;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.nativeblas.OpaqueContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.LongAdder;

/**
 * One native op context per thread, reused by every custom op, instead of a new one per op.
 *
 * <p>In ND4J 1.0.0-M2.1 the CPU executioner runs each custom op (an activation's derivative, the loss and
 * its gradient: one or more per layer per step) in a fresh {@link CpuOpContext}, and closing it does
 * nothing. Each context is a native object plus a Java chain registered with ND4J's
 * {@code DeallocatorService} and JavaCPP. That chain survives a young collection, and the native object
 * is destroyed later on one of the service's threads. Profiled on a 500-trial {@code local[2]} study,
 * deleting those contexts was most of the service threads' time (9 s of CPU in a 68 s trial phase), taken
 * from the trials' two cores.
 *
 * <p>This executioner hands each thread's custom ops the same context. ND4J's custom-op path closes the
 * context after every op; here closing clears it for the next op: the op's arrays (ND4J's {@code purge}),
 * its integer, float, boolean and data type arguments (the path sets them only when there are some, so an
 * op without any would otherwise see the previous op's), and the shape-function flag (set only when true).
 * A context asked for while the thread's one is in use (nested) is a fresh one, as in ND4J.
 *
 * <p>Installed once per JVM by {@link #install()}, before the first network; off with
 * {@code -Dgradstudy.opContextReuse=false}. Results are bit-for-bit the same with and without it (tested).
 */
public final class OpContextReuse extends NativeOpExecutioner {
    private static final Logger LOG = LoggerFactory.getLogger(OpContextReuse.class);
    /** The system property that turns the reuse off ({@code false}). */
    public static final String PROPERTY = "gradstudy.opContextReuse";

    private final ThreadLocal<Reused> contexts = ThreadLocal.withInitial(Reused::new);
    /** Contexts served from a thread's reused one (a striped counter: task threads ask concurrently). */
    private final LongAdder reuses = new LongAdder();

    OpContextReuse() {}

    @Override
    public OpContext buildContext() {
        Reused c = contexts.get();
        if (c.inUse) return new CpuOpContext();
        c.inUse = true;
        reuses.increment();
        return c;
    }

    /** Contexts handed out again since this executioner was installed. */
    long reuses() { return reuses.sum(); }

    /** A context that clears itself on {@link #close()} instead of waiting for the garbage collector. */
    static final class Reused extends CpuOpContext {
        private final NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        boolean inUse;

        @Override
        public void setIArguments(long... arguments) {
            if (arguments.length > 0) super.setIArguments(arguments);
            else if (!fastpath_i.isEmpty()) {
                fastpath_i.clear();
                ops.setGraphContextIArguments(nativeContext(), (LongPointer) null, 0);
            }
        }

        @Override
        public void setTArguments(double... arguments) {
            if (arguments.length > 0) super.setTArguments(arguments);
            else if (!fastpath_t.isEmpty()) {
                fastpath_t.clear();
                ops.setGraphContextTArguments(nativeContext(), (DoublePointer) null, 0);
            }
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
     * Puts this executioner in place of ND4J's, once per JVM; does nothing when it is already there or
     * {@code -Dgradstudy.opContextReuse=false}. ND4J has no setter for its executioner, so the field is set
     * by reflection; if that fails (another ND4J version or backend), a warning is logged and ND4J's stays.
     */
    public static synchronized void install() {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) return;
        OpExecutioner current = Nd4j.getExecutioner();
        if (current instanceof OpContextReuse) return;
        if (current.getClass() != NativeOpExecutioner.class) {
            LOG.warn("ND4J op contexts stay one per op: the executioner is {}, not the CPU backend's", current.getClass().getName());
            return;
        }
        try {
            OpContextReuse reuse = new OpContextReuse();
            reuse.setProfilingMode(current.getProfilingMode());
            setExecutioner(reuse);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("ND4J op contexts stay one per op: {}", e.toString());
        }
    }

    /** Restores a plain CPU executioner (tests compare results with and without the reuse). */
    static synchronized void uninstall() throws ReflectiveOperationException {
        if (Nd4j.getExecutioner() instanceof OpContextReuse) setExecutioner(new NativeOpExecutioner());
    }

    /** The installed executioner, or null. */
    static OpContextReuse installed() {
        return Nd4j.getExecutioner() instanceof OpContextReuse r ? r : null;
    }

    private static void setExecutioner(OpExecutioner executioner) throws ReflectiveOperationException {
        ShapeInfoCache.setNd4jField("OP_EXECUTIONER_INSTANCE", executioner);
    }
}
