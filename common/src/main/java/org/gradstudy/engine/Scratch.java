package org.gradstudy.engine;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.gradstudy.engine.TensorStats.UNSAFE;
import static org.gradstudy.engine.TensorStats.firstElement;

/**
 * Where the statistics read a tensor's elements, always as doubles: in place for a contiguous double
 * tensor (or copied into the double array, {@link #doubles}, for the SIMD pass, which reads arrays),
 * else converted into that reusable array (a float tensor: one bulk copy and a widening in SIMD registers,
 * {@link Moments#widen}; reading floats in place and widening each one ran about twice as slow). Also the main
 * pass's partial sums and native addresses by data buffer ({@link #address}). Not thread-safe: one per probe.
 */
final class Scratch {
    /** The native calls of {@link Blas}. */
    final Blas.Calls blas = new Blas.Calls();
    private double[] d = new double[0];
    private float[] f = new float[0];
    /** The main pass's partial sums ({@link Moments}). */
    final double[] partials = new double[33];
    /** SIMD passes through this scratch, for {@link Moments#vectorPass}'s timing schedule. */
    int vectorPasses;
    /** SIMD widenings of float tensors through this scratch, for {@link Moments#widen}'s timing schedule. */
    int widenings;
    /** The viewed tensor, kept reachable while its native memory is read. */
    private INDArray held;
    /** The viewed elements are at {@code offset} in {@code base} (null: native memory). */
    long offset;
    /** Elements of the last view. */
    int size;
    /** Whether the last view was converted into the double array. */
    private boolean inArray;

    /**
     * Points this scratch at {@code v}'s elements in buffer order (its own ordering, c or f) and returns
     * the base for {@link TensorStats#at} (null: native memory at {@link #offset}), valid until the next view. A
     * tensor whose elements are not contiguous is copied first. addressPointer() starts at a view's
     * first element (pointer() at its parent's).
     */
    Object view(INDArray v) {
        if (v.elementWiseStride() != 1) v = v.dup();
        long len = v.length();
        if (len > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor too large for statistics: " + len);
        int n = (int) len;
        held = v;
        size = n;
        DataBuffer buf = v.data();
        inArray = buf.dataType() != DataType.DOUBLE;
        if (!inArray) {
            offset = address(v);
            return null;
        }
        grow(n);
        if (buf.dataType() == DataType.FLOAT) {
            floats(n);
            UNSAFE.copyMemory(null, address(v), f, sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET, (long) n * Float.BYTES);
            Moments.widen(f, d, n, this);
        } else {
            for (int i = 0; i < n; i++) d[i] = buf.getDouble(i);
        }
        offset = sun.misc.Unsafe.ARRAY_DOUBLE_BASE_OFFSET;
        return d;
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
