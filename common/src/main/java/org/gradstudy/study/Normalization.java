package org.gradstudy.study;

/** Batch normalization of each hidden layer: none, on the pre-activations, or on the activations. */
public enum Normalization implements Keyed {
    NONE, BATCHNORM_BEFORE, BATCHNORM_AFTER;

    @Override public String key() { return Keyed.dashed(this); }
}
