package org.gradstudy.engine;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The probe's plain sums over a whole tensor, by OpenBLAS's level-1 kernels: the BLAS that ND4J's CPU
 * backend ships and has loaded for its matrix products. Two passes of the probe need nothing but one sum:
 * <ul>
 * <li>the non-finite check, every step: {@code asum} (sum of magnitudes) is finite exactly when no element is
 * NaN or infinite, unless finite elements overflow the sum, which {@link TensorStats#allFinite} then rules
 * out with its exact loop;</li>
 * <li>the L2 norm of a double tensor (the update's and the parameters' at recorded steps, the gradient's
 * under L2 clipping): the sum of squares by {@code ddot}.</li>
 * </ul>
 * A float tensor's norm keeps the Java loop: OpenBLAS's {@code dsdot}, meant to accumulate in double,
 * multiplies in float here (1.5e-9 relative off the double sum over 4000 elements, and squares below
 * 1e-38 lost), against the brief's rule that every statistic is computed in double.
 * The kernels run in SIMD registers. Per element, on this machine (64K-element tensors in the cache):
 * dasum 0.033 ns and ddot 0.09 ns, against 0.25 ns for the scalar Java loops they replace. Short tensors
 * keep the Java loops, as a native call costs about 50-90 ns. The kernels' summation order depends only on
 * the length, so a tensor's norm is the same bits wherever its memory lies. OpenBLAS runs
 * them in one thread with {@code OMP_NUM_THREADS=1}, as the launcher and the cluster defaults set it.
 * Off (the Java loops everywhere) with {@code -Dgradstudy.blasStats=false}, or when OpenBLAS cannot be
 * loaded (an ND4J backend without it).
 */
final class Blas {
    /** The system property that turns the kernels off ({@code false}). */
    static final String PROPERTY = "gradstudy.blasStats";
    /** Tensors shorter than this keep the Java loops. */
    static final int MIN_LENGTH = 512;
    /** Whether OpenBLAS loaded ({@link #subtract} needs nothing else). */
    static final boolean LOADED = load();
    /** Whether the statistics use the kernels: {@link #LOADED}, and not turned off by {@link #PROPERTY}. */
    static final boolean ENABLED = LOADED && Boolean.parseBoolean(System.getProperty(PROPERTY, "true"));

    private Blas() {}

    private static boolean load() {
        try {
            org.bytedeco.javacpp.Loader.load(openblas_nolapack.class);
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Whether {@link Calls#asum} reads {@code v}: a contiguous double or float tensor of at least {@link #MIN_LENGTH} elements. */
    static boolean applies(INDArray v) {
        if (!ENABLED || v.length() < MIN_LENGTH || v.length() > Integer.MAX_VALUE || v.elementWiseStride() != 1) return false;
        DataType t = v.dataType();
        return t == DataType.DOUBLE || t == DataType.FLOAT;
    }

    /** Whether {@link Calls#sumSquares} reads {@code v}: as {@link #applies}, doubles only. */
    static boolean appliesToNorm(INDArray v) { return applies(v) && v.dataType() == DataType.DOUBLE; }

    /**
     * Reusable pointers for the native calls, so that a call allocates nothing. Not thread-safe: one per
     * {@link Scratch}.
     */
    static final class Calls {
        private final Doubles d = new Doubles(), d2 = new Doubles();
        private final Floats f = new Floats(), f2 = new Floats();

        /** The sum of |v| in the tensor's precision, its first element at native address {@code a} ({@link #applies} must hold). */
        double asum(INDArray v, long a) {
            int n = (int) v.length();
            double s = v.dataType() == DataType.DOUBLE ? openblas_nolapack.cblas_dasum(n, d.at(a), 1)
                    : openblas_nolapack.cblas_sasum(n, f.at(a), 1);
            java.lang.ref.Reference.reachabilityFence(v);
            return s;
        }

        /** The sum of v^2, its first element at native address {@code a} ({@link #appliesToNorm} must hold). */
        double sumSquares(INDArray v, long a) {
            DoublePointer p = d.at(a);
            double s = openblas_nolapack.cblas_ddot((int) v.length(), p, 1, p, 1);
            java.lang.ref.Reference.reachabilityFence(v);
            return s;
        }
    }

    /**
     * {@code y[i] -= x[i]} for the {@code n} elements at native addresses {@code x} and {@code y}, doubles or
     * floats: {@code axpy} with alpha -1, which is {@code y - x} exactly as ND4J's {@code subi} gives it
     * (the product by -1 is exact, so a fused multiply-add rounds once, as the subtraction does).
     */
    static void subtract(Calls c, boolean doubles, long x, long y, int n) {
        if (doubles) openblas_nolapack.cblas_daxpy(n, -1.0, c.d.at(x), 1, c.d2.at(y), 1);
        else openblas_nolapack.cblas_saxpy(n, -1.0f, c.f.at(x), 1, c.f2.at(y), 1);
    }

    /** A pointer without memory of its own, pointed at a tensor's elements for one call. */
    private static final class Doubles extends DoublePointer {
        Doubles() { super((Pointer) null); }

        Doubles at(long address) {
            this.address = address;
            return this;
        }
    }

    /** As {@link Doubles}, for float elements. */
    private static final class Floats extends FloatPointer {
        Floats() { super((Pointer) null); }

        Floats at(long address) {
            this.address = address;
            return this;
        }
    }
}
