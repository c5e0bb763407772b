package org.gradstudy.study;

/** Hidden-layer activation functions. The output layer is always softmax. */
public enum Activation implements Keyed {
    SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SELU,
    /** No non-linearity: the linear control. */
    IDENTITY;

    @Override public String key() { return Keyed.dashed(this); }
}
