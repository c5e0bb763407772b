package org.gradstudy.engine;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.blas.BlasBufferUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.any.Assign;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * A dense layer's ops and buffers, each built once per layer and shape and used again with the step's arrays,
 * instead of built anew every step.
 *
 * <p>ND4J 1.0.0-M2.1 builds every op as a new object with a random UUID for a name (a shared, locked
 * {@code SecureRandom}: 0.2 us alone, 0.4 us with two task threads drawing), and gives it fresh native
 * arrays for its arguments: a dimension array outside any workspace ({@code BaseOp.defineDimensions}) or a
 * scalar ({@code BaseScalarOp}). Each native array costs an allocation, Java objects registered with ND4J's
 * deallocator and JavaCPP's, a free by ND4J's deallocator thread after a collection, and copies by every young
 * collection that finds the registration alive: about 2 us of CPU in all on this machine, the order of the op
 * itself on a 64 x 64 layer. A dense layer's step built three such ops: the bias broadcast
 * ({@code addiRowVector}, dimension 1), the bias gradient's column sum (dimension 0) and ReLU (the threshold 0).
 *
 * <p>{@code mmuli} computes the C-ordered z through a new F-ordered array (BLAS's order) and copies it into z;
 * the kept copy of z for back-propagation ({@link KeptPreOutputDense}) took a new workspace array too: both
 * buffers are the layer's own here, kept from step to step, and both copies ({@code Assign}) reused ops.
 *
 * <p>ReLU's backward pass wrote dL/dz into a new array every step; it is the layer's own buffer here, its op reused.
 *
 * <p>The ops here are ND4J's own ({@code BroadcastAddOp}, {@code Sum}, {@code RectifiedLinear}, {@code RectifiedLinearDerivative},
 * {@code Assign}), built by their
 * usual constructors the first time (so validated and set up as DL4J's are), then handed the next step's arrays
 * while those have the same shapes and type; a new shape (another batch size) builds a new op. The dimension
 * arrays {0} and {1} are constants made once per JVM outside any workspace, which ops only read. After each
 * run an op lets go of its arrays. Results are bit-for-bit DL4J's (tested with the dense layers); off with
 * {@code -Dgradstudy.leanOps=false}. A layer runs on one thread at a time, as a network does.
 *
 * <p>A held constant also keeps the broadcast's dimension array reachable while native code reads it (README,
 * "A native crash").
 */
final class LeanOps {
    /** The dimension arrays {0} and {1}. */
    private static final INDArray[] DIMS = new INDArray[2];

    static {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int d = 0; d < DIMS.length; d++) DIMS[d] = Nd4j.createFromArray(new int[] {d});
        }
    }

    private final Reused<RowAdd> biasAdd = new Reused<>();
    private final Reused<ColumnSum> columnSum = new Reused<>();
    private final Reused<RectifiedLinear> relu = new Reused<>();
    /** The copies into z of the product and into the kept buffer of z (DL4J's {@code assign}). */
    private final Reused<Assign> productCopy = new Reused<>(), keptCopy = new Reused<>();
    /** The matrix product's F-ordered result before its copy into z; the copy of z kept for back-propagation; ReLU's dL/dz. */
    private final Buffer product = new Buffer(), kept = new Buffer(), reluGrad = new Buffer();
    /** ReLU's backward op ({@code relu_bp}, an ND4J custom op) and the shape and type it was built for. */
    private RectifiedLinearDerivative reluBackward;
    private long[] reluBackwardShape;
    private DataType reluBackwardType;
    /** Ops and buffers built (the first time, or for a new shape), for tests. */
    private long built;

    /** The shared dimension array for {@code dims} when it is {0} or {1}, else null (the op makes its own). */
    private static INDArray dims(int[] dims) {
        return dims != null && dims.length == 1 && dims[0] >= 0 && dims[0] < DIMS.length ? DIMS[dims[0]] : null;
    }

    /** {@code z += b} for each row of {@code z} (a row vector {@code b}): ND4J's broadcast add along dimension 1. */
    void addRowVector(INDArray z, INDArray b) {
        RowAdd op = biasAdd.fits(z, b) ? biasAdd.op : built(biasAdd.keep(new RowAdd(z, b), z, b));
        run(op, z, b, z);
    }

    /** {@code sums = column sums of x} (dimension 0), written into {@code sums}: ND4J's {@code Sum}. */
    void columnSums(INDArray x, INDArray sums) {
        ColumnSum op = columnSum.fits(x, sums) ? columnSum.op : built(columnSum.keep(new ColumnSum(x, sums), x, sums));
        run(op, x, null, sums);
    }

    /** max(x, 0) in place, as DL4J's plain {@code ActivationReLU} applies it ({@code RectifiedLinear}, cutoff 0). */
    INDArray relu(INDArray x) {
        RectifiedLinear op = relu.fits(x, x) ? relu.op : built(relu.keep(new RectifiedLinear(x, x, 0.0), x, x));
        run(op, x, null, x);
        return x;
    }

    /**
     * dL/dz of DL4J's plain {@code ActivationReLU.backprop(z, epsilon)}: ND4J's {@code relu_bp} custom op with
     * threshold 0, the op DL4J runs there, into this layer's own buffer (kept from step to step; DL4J writes a new
     * array like z every step) with the op built once per shape and type. The caller only reads the result before
     * its next call, as DL4J's dense layer does with its delta. Shapes that differ are left to DL4J (its error).
     */
    INDArray reluBackprop(INDArray z, INDArray epsilon, IActivation fn) {
        if (!Arrays.equals(z.shape(), epsilon.shape())) return fn.backprop(z, epsilon).getFirst();
        INDArray out = reluGrad.of(z, z.ordering());
        if (reluBackward == null || z.dataType() != reluBackwardType || !Arrays.equals(reluBackwardShape, z.shape())) {
            reluBackward = built(new RectifiedLinearDerivative(z, epsilon, out, 0.0));
            reluBackwardShape = z.shape().clone();
            reluBackwardType = z.dataType();
        } else {
            reluBackward.addInputArgument(z, epsilon);
            reluBackward.addOutputArgument(out);
        }
        try {
            Nd4j.getExecutioner().exec(reluBackward);
        } finally {
            reluBackward.clearArrays();
        }
        return out;
    }

    /**
     * {@code z = x W} as DL4J's {@code x.mmuli(W, z)} computes it for a C-ordered z: the same BLAS call into an
     * F-ordered buffer, then copied into z. The buffer is this layer's own, kept from step to step, instead of a
     * new workspace array each time. The shapes {@code mmuli} treats otherwise (a scalar, a vector, an F-ordered
     * z) are left to it.
     */
    void matmul(INDArray x, INDArray w, INDArray z) {
        if (x.isScalar() || w.isScalar() || x.rank() != 2 || w.rank() != 2 || w.columns() == 1 || z.ordering() != 'c' || z.isView()) {
            x.mmuli(w, z);
            return;
        }
        INDArray temp = product.of(z, 'f');
        Nd4j.getBlasWrapper().level3().gemm(x.ordering(), BlasBufferUtil.getCharForTranspose(w), BlasBufferUtil.getCharForTranspose(temp),
                1.0, x, w, 0.0, temp);
        assign(productCopy, z, temp);
    }

    /** A copy of {@code z} in this layer's own buffer, kept from step to step (overwritten by the next call). */
    INDArray copy(INDArray z) {
        INDArray copy = kept.of(z, z.ordering());
        assign(keptCopy, copy, z);
        return copy;
    }

    /** {@code dest.assign(src)} as ND4J runs it ({@code Assign(src, dest)}), with {@code r}'s op. */
    private void assign(Reused<Assign> r, INDArray dest, INDArray src) {
        Assign op = r.fits(src, dest) ? r.op : built(r.keep(new Assign(src, dest), src, dest));
        run(op, src, null, dest);
    }

    /** Whether {@code fn} is DL4J's plain ReLU (no threshold, negative slope or maximum): max(x, 0). */
    static boolean plainRelu(IActivation fn) {
        return fn instanceof ActivationReLU r && r.getMax() == null && r.getThreshold() == null && r.getNegativeSlope() == null;
    }

    long built() { return built; }

    private <O> O built(O op) {
        built++;
        return op;
    }

    private static void run(BaseOp op, INDArray x, INDArray y, INDArray z) {
        op.setX(x);
        op.setY(y);
        op.setZ(z);
        try { // the overloads DL4J's own calls take
            if (op instanceof BroadcastOp b) Nd4j.getExecutioner().exec(b);
            else if (op instanceof ReduceOp r) Nd4j.getExecutioner().exec(r);
            else if (op instanceof ScalarOp sc) Nd4j.getExecutioner().exec(sc);
            else Nd4j.getExecutioner().exec(op);
        } finally {
            op.clearArrays();
        }
    }

    /** An array of this layer's, outside any workspace, made again only for another shape, type or order. */
    private final class Buffer {
        private INDArray array;

        INDArray of(INDArray like, char order) {
            if (array == null || array.dataType() != like.dataType() || array.ordering() != order || !Arrays.equals(array.shape(), like.shape())) {
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    array = Nd4j.createUninitialized(like.dataType(), like.shape(), order);
                }
                built++;
            }
            return array;
        }
    }

    /** One op and the shapes and type of the arrays it was built for. */
    private static final class Reused<O extends BaseOp> {
        private O op;
        private long[] xShape, yShape;
        private DataType type;

        boolean fits(INDArray x, INDArray y) {
            return op != null && x.dataType() == type && Arrays.equals(xShape, x.shape()) && Arrays.equals(yShape, y.shape());
        }

        O keep(O built, INDArray x, INDArray y) {
            op = built;
            xShape = x.shape().clone();
            yShape = y.shape().clone();
            type = x.dataType();
            return built;
        }
    }

    /** ND4J's {@code BroadcastAddOp(z, b, z, 1)}, with the shared dimension array. */
    static final class RowAdd extends BroadcastAddOp {
        RowAdd(INDArray z, INDArray b) { super(z, b, z, 1); }

        @Override protected void defineDimensions(int... dims) { // the shared array, else ND4J's own
            if ((dimensionz = dims(dims)) == null) super.defineDimensions(dims);
        }
    }

    /** ND4J's {@code Sum(x, sums, false, 0)}, with the shared dimension array. */
    static final class ColumnSum extends Sum {
        ColumnSum(INDArray x, INDArray sums) { super(x, sums, false, 0); }

        @Override protected void defineDimensions(int... dims) { // the shared array, else ND4J's own
            if ((dimensionz = dims(dims)) == null) super.defineDimensions(dims);
        }
    }
}
