package org.gradstudy.study;

/**
 * Gradient clipping, applied to the gradient of the mean loss before the optimizer.
 * global-l2: the L2 norm of the whole gradient vector (every trainable parameter of every layer);
 * when it exceeds the threshold the entire vector is scaled down to the threshold. layer-l2: the same,
 * per layer (DL4J ClipL2PerLayer). value: each element clamped to [-t, t] (DL4J ClipElementWiseAbsoluteValue).
 */
public enum Clipping implements Keyed {
    NONE, GLOBAL_L2, LAYER_L2, VALUE;

    @Override public String key() { return Keyed.dashed(this); }
}
