package org.gradstudy.engine;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Randomized leaky relu (Xu et al. 2015): for x < 0 the slope is drawn from U(lower, upper) per element
 * in training and is (lower + upper) / 2 at test time. DL4J's own ActivationRReLU draws its slopes in
 * float and fails in double-precision networks, hence this one, which draws in the input's type.
 */
public final class RandomizedReLU extends BaseActivationFunction {
    private double lower = NetworkFactory.RRELU_LOWER;
    private double upper = NetworkFactory.RRELU_UPPER;
    private transient INDArray slopes; // the slopes drawn in the last training forward pass, for backprop

    public RandomizedReLU() {}

    public RandomizedReLU(double lower, double upper) {
        this.lower = lower;
        this.upper = upper;
    }

    public double getLower() { return lower; }
    public void setLower(double lower) { this.lower = lower; }
    public double getUpper() { return upper; }
    public void setUpper(double upper) { this.upper = upper; }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray negative = Transforms.min(in, 0.0, true);
        if (training) {
            // Outside any workspace: the forward pass's workspace is gone by the time backprop needs them.
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                slopes = Nd4j.rand(in.dataType(), in.shape()).muli(upper - lower).addi(lower);
            }
            negative.muli(slopes);
        } else {
            slopes = null;
            negative.muli((lower + upper) / 2);
        }
        return Transforms.relu(in, false).addi(negative);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray positive = in.gt(0.0).castTo(in.dataType());
        INDArray negativeSlope = positive.rsub(1.0);
        if (slopes != null && java.util.Arrays.equals(slopes.shape(), in.shape())) negativeSlope.muli(slopes);
        else negativeSlope.muli((lower + upper) / 2);
        INDArray dLdz = epsilon.mul(positive.addi(negativeSlope));
        in.assign(dLdz);
        return new Pair<>(in, null);
    }

    @Override
    public String toString() { return "rrelu(" + lower + ", " + upper + ")"; }
}
