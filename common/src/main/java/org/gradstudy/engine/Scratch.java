package org.gradstudy.engine;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.gradstudy.engine.TensorStats.UNSAFE;
import static org.gradstudy.engine.TensorStats.firstElement;

/**
 * Where the statistics read a tensor's elements, always as doubles: in place for a contiguous double
 * tensor, else converted into its thread's native buffer (a float tensor: one bulk copy and a widening in
 * SIMD registers, {@link Moments#widen}; reading floats in place and widening each one ran about twice as slow).
 * Either way the elements are also offered as a byte buffer ({@link #bytes()}) for the SIMD passes, which read
 * byte buffers ({@link VectorStats}); on hosts with 256-bit vectors a float tensor for a SIMD pass is instead copied
 * into this scratch's float array and widened into its double array by the pass ({@link Moments#heapFloats}).
 * Also the main pass's partial sums and native addresses by data buffer
 * ({@link #address}). Not thread-safe: one per probe.
 */
final class Scratch {
    /** The native calls of {@link Blas}. */
    final Blas.Calls blas = new Blas.Calls();
    private double[] d = new double[0];
    private float[] f = new float[0];
    /**
     * Converted (widened) elements: a direct buffer in native order and its address, one per thread, grown to the
     * largest tensor converted there. Per thread, not per scratch: a probe's scratches live as long as its trial,
     * and a direct buffer's native memory goes back only when a collection finds it unreachable (an old one, at a
     * full collection), so one per trial would let a study's executor grow until then. A view is read before the
     * thread's next view ({@link TensorStats#l2(INDArray, INDArray, Scratch, Scratch, double[])}, the one place
     * holding two, views doubles in place).
     */
    private static final ThreadLocal<Wide> WIDE = ThreadLocal.withInitial(Wide::new);

    private static final class Wide {
        ByteBuffer buffer;
        long at;
    }

    private long wideAt;
    /** The thread's buffer of widened elements as of the last view ({@link #WIDE}). */
    ByteBuffer wide;
    /** The main pass's partial sums ({@link Moments}). */
    final double[] partials = new double[33];
    /** SIMD passes through this scratch, for {@link Moments#pass}'s timing schedule. */
    int vectorPasses;
    /** SIMD widenings of float tensors through this scratch, for {@link Moments#widen}'s timing schedule. */
    int widenings;
    /** The viewed tensor, kept reachable while its native memory is read. */
    private INDArray held;
    /** The viewed elements are at {@code offset} in {@code base} (null: native memory). */
    long offset;
    /** Elements of the last view. */
    int size;
    /** The last view's elements as a byte buffer from byte {@link #bytesAt} on (native order), once {@link #bytes()} found it. */
    private ByteBuffer bytes;
    int bytesAt;
    /** Whether the last view's elements are read in place: {@link #bytes()} finds its byte buffer. */
    private boolean inPlace;
    /**
     * Whether the last view's float elements are still to be widened into {@link #bytes()}: by the SIMD pass that
     * reads them in place ({@link Moments#pass}), else by {@link #settle()}; and their native address.
     */
    boolean pendingFloats;
    private long floatAt;
    /** Whether the last view was converted into the double array (elements past a byte buffer's reach, or heap floats). */
    private boolean inArray;
    /**
     * Whether the last view's floats were copied into the float array, to be widened into the double array by the
     * SIMD pass ({@link Moments#heapFloats}: {@link VectorStats#prefersHeapFloats}), else by {@link #settle()}.
     */
    private boolean floatsInArray;

    /**
     * Points this scratch at {@code v}'s elements in buffer order (its own ordering, c or f) and returns
     * the base for {@link TensorStats#at} (null: native memory at {@link #offset}), valid until the next view. A
     * tensor whose elements are not contiguous is copied first. addressPointer() starts at a view's
     * first element (pointer() at its parent's).
     */
    Object view(INDArray v) { return view(v, false); }

    /**
     * {@link #view(INDArray)}, for a SIMD pass ({@link Moments#pass}) when {@code forPass}: a float tensor is then
     * widened by the pass itself as it reads the floats in place (one pass instead of a copy, a widening and a pass:
     * 0.54-0.64 -> 0.34 ns per element), or by {@link #settle()} if the caller takes the scalar loops after all.
     */
    Object view(INDArray v, boolean forPass) {
        if (v.elementWiseStride() != 1) v = v.dup();
        long len = v.length();
        if (len > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor too large for statistics: " + len);
        int n = (int) len;
        held = v;
        size = n;
        DataBuffer buf = v.data();
        inArray = false;
        inPlace = false;
        pendingFloats = false;
        floatsInArray = false;
        if (buf.dataType() == DataType.DOUBLE) {
            offset = address(v);
            inPlace = true;
            bytes = null;
            return null;
        }
        if ((long) n * Double.BYTES > Integer.MAX_VALUE) { // past a byte buffer's reach: a Java array, scalar passes
            inArray = true;
            bytes = null;
            grow(n);
            for (int i = 0; i < n; i++) d[i] = buf.getDouble(i);
            offset = sun.misc.Unsafe.ARRAY_DOUBLE_BASE_OFFSET;
            return d;
        }
        if (buf.dataType() == DataType.FLOAT && forPass && Moments.vector && Moments.heapFloats && n >= Moments.VECTOR_MIN
                && n <= Moments.HEAP_FLOATS_MAX) {
            floats(n); // one bulk copy; the pass reads the array and widens into d on the way
            grow(n);
            UNSAFE.copyMemory(null, address(v), f, sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET, (long) n * Float.BYTES);
            inArray = floatsInArray = pendingFloats = true;
            bytes = null;
            offset = sun.misc.Unsafe.ARRAY_DOUBLE_BASE_OFFSET;
            return d;
        }
        widened(n);
        if (buf.dataType() == DataType.FLOAT && forPass && Moments.vector && n >= Moments.VECTOR_MIN) {
            pendingFloats = true;
            floatAt = address(v);
        } else if (buf.dataType() == DataType.FLOAT) {
            floats(n);
            UNSAFE.copyMemory(null, address(v), f, sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET, (long) n * Float.BYTES);
            Moments.widen(f, wide, wideAt, n, this);
        } else {
            for (int i = 0; i < n; i++) UNSAFE.putDouble(wideAt + ((long) i << 3), buf.getDouble(i));
        }
        offset = wideAt;
        return null;
    }

    /** Widens the last view's floats if a pass has not ({@link #pendingFloats}): scalar, exact. */
    void settle() { settle(0); }

    /** Widens the last view's floats from element {@code from} on, if still pending. */
    void settle(int from) {
        if (!pendingFloats) return;
        if (floatsInArray) {
            for (int i = from; i < size; i++) d[i] = f[i];
            pendingFloats = false;
            return;
        }
        for (int i = from; i < size; i++) UNSAFE.putDouble(wideAt + ((long) i << 3), UNSAFE.getFloat(floatAt + ((long) i << 2)));
        pendingFloats = false;
        bytes = wide;
        bytesAt = 0;
    }

    /**
     * Whether a SIMD pass can read the last view: its byte buffer ({@link #bytes()}), or its floats copied into
     * the float array ({@link #heapFloats()}).
     */
    boolean vectorReadable() { return heapFloats() || bytes() != null; }

    /** Whether the last view's floats wait in {@link #floatArray()} to be widened into {@link #doubleArray()} by a pass. */
    boolean heapFloats() { return floatsInArray && pendingFloats; }

    /** The float array the last view's floats were copied into ({@link #heapFloats()}). */
    float[] floatArray() { return f; }

    /** The double array the passes widen {@link #floatArray()} into. */
    double[] doubleArray() { return d; }

    /** The last view's pending floats as a byte buffer from byte {@link #foundAt} on (native order), or null. */
    ByteBuffer floatBytes() {
        return pendingFloats ? lookup(floatAt, (long) size * Float.BYTES) : null;
    }

    /** This scratch's float array, with room for {@code n} elements (its contents are the caller's). */
    float[] floats(int n) {
        if (f.length < n) f = new float[Math.max(n, f.length * 2)];
        return f;
    }

    /** The viewed elements copied into a double array, valid up to {@link #size}. */
    double[] doubles() {
        if (inArray) return d;
        grow(size);
        UNSAFE.copyMemory(null, offset, d, sun.misc.Unsafe.ARRAY_DOUBLE_BASE_OFFSET, (long) size * Double.BYTES);
        return d;
    }

    private void grow(int n) {
        if (d.length < n) d = new double[Math.max(n, d.length * 2)];
    }

    /** The thread's buffer for converted elements ({@link #WIDE}) with room for {@code n} doubles, as {@link #bytes()}. */
    private void widened(int n) {
        Wide w = WIDE.get();
        if (w.buffer == null || w.buffer.capacity() < n * Double.BYTES) {
            long grown = w.buffer == null ? 0 : 2L * w.buffer.capacity();
            w.buffer = ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE, Math.max((long) n * Double.BYTES, grown)))
                    .order(ByteOrder.nativeOrder());
            w.at = new Pointer(w.buffer).address();
        }
        wideAt = w.at;
        bytes = wide = w.buffer;
        bytesAt = 0;
    }

    /**
     * The last view's elements as a byte buffer (native order) from byte {@link #bytesAt} on, for the SIMD passes;
     * null when none can reach them ({@link #lookup}).
     */
    ByteBuffer bytes() {
        if (bytes != null || !inPlace) return bytes;
        bytes = lookup(offset, (long) size * Double.BYTES);
        bytesAt = foundAt;
        return bytes;
    }

    /**
     * A byte buffer over contiguous tensor {@code v}'s own memory, from byte {@link #foundAt} on ({@link #lookup});
     * null if none can reach it. Leaves the last view as it was.
     */
    ByteBuffer bytes(INDArray v) {
        if (v.elementWiseStride() != 1) return null;
        return lookup(address(v), v.length() * v.data().getElementSize());
    }

    /** Where the elements start in the byte buffer {@link #lookup} found last. */
    int foundAt;

    /** A gigabyte of address space per window: a window's buffer reaches 2 GB from the start of its gigabyte. */
    private static final int WINDOW_BITS = 30, WINDOWS = 16;
    private final long[] windowAt = new long[WINDOWS];
    private final ByteBuffer[] windows = new ByteBuffer[WINDOWS];

    /**
     * A byte buffer from whose byte {@link #foundAt} on lie the {@code length} bytes at native address {@code at}:
     * the buffer of the gigabyte of address space {@code at} falls in, which reaches 2 GB from that gigabyte's start,
     * so it covers any tensor starting there shorter than a gigabyte; null otherwise. A buffer is only an address and
     * a capacity, with no memory of its own: the passes read through it only the bytes of the tensor they are given,
     * and the one buffer serves every tensor of its gigabyte, whatever array owns that memory now. So the passes read
     * in place without making a buffer per tensor (a native call and a few objects: activations come in new places
     * step after step) or copying it (0.09 ns per element).
     */
    private ByteBuffer lookup(long at, long length) {
        long base = at & -(1L << WINDOW_BITS);
        if (base == 0 || at - base + length > Integer.MAX_VALUE) return null; // no window reaches it: the scalar pass
        int i = (int) (at >>> WINDOW_BITS) & (WINDOWS - 1);
        if (windows[i] == null || windowAt[i] != base) {
            windows[i] = new Window(base).asByteBuffer().order(ByteOrder.nativeOrder());
            windowAt[i] = base;
        }
        foundAt = (int) (at - base);
        return windows[i];
    }

    /** JavaCPP's view of the 2 GB from {@code address} on, for {@link #lookup}'s byte buffers (a byte pointer counts in bytes). */
    private static final class Window extends BytePointer {
        Window(long address) {
            this.address = address;
            this.limit = this.capacity = Integer.MAX_VALUE;
        }
    }

    /** Entries of the address table: a depth-64 network's parameter, gradient and update views fit. */
    static final int ADDRESSES = 512;
    private final DataBuffer[] addressOf = new DataBuffer[ADDRESSES];
    private final long[] addresses = new long[ADDRESSES];

    /**
     * {@link TensorStats#firstElement} of {@code v}, remembered per data buffer. ND4J answers addressPointer() with
     * two native calls that make four Java objects (about 80 ns, and a tenth of the allocations of a
     * training step), while the probe reads the same parameter, gradient and update views every step. An
     * address is a function of the buffer alone (a view has a buffer of its own, starting at its first
     * element). Only {@code DataBuffer.reallocate} moves a live buffer, and nothing reallocates the
     * buffers the probe reads: DL4J's parameter, gradient and update views live as long as the network,
     * and activations come in new buffers each step. The buffer itself is the key, held here so that it
     * cannot be confused with a later one at the same identity hash. Evicted on collision.
     */
    long address(INDArray v) {
        DataBuffer b = v.data();
        int i = System.identityHashCode(b) & (ADDRESSES - 1);
        if (addressOf[i] != b) {
            addresses[i] = firstElement(v);
            addressOf[i] = b;
        }
        return addresses[i];
    }


}
