package org.gradstudy.study;

/** Hidden-layer activation functions. The output layer is always softmax. */
public enum Activation implements Keyed {
    SIGMOID, TANH, RELU,
    /** max(x, a x) with slope a from the {@code leaky-relu-slope} axis. */
    LEAKY_RELU,
    /** A learned slope per unit (a DL4J layer, PReLULayer), starting at 0.25 as in He et al. 2015. */
    PRELU,
    /** Randomized leaky relu: slope drawn from U(1/8, 1/3) in training, their mean at test time. */
    RRELU,
    ELU, SELU,
    /** No non-linearity: the linear control. */
    IDENTITY;

    @Override public String key() { return Keyed.dashed(this); }

    /** relu and its relatives, whose units can die (output <= 0 for every example). */
    public boolean reluFamily() { return this == RELU || this == LEAKY_RELU || this == PRELU || this == RRELU; }

    /** sigmoid and tanh, which saturate. */
    public boolean saturating() { return this == SIGMOID || this == TANH; }
}
