package org.gradstudy.study;

/**
 * Weight initialization schemes for every dense layer (hidden and output); biases start at zero.
 * Variances: xavier 2/(fan_in+fan_out), he 2/fan_in, lecun 1/fan_in; small-normal N(0, 0.01^2);
 * large-normal N(0, 1).
 */
public enum Init implements Keyed {
    ZERO, SMALL_NORMAL, LARGE_NORMAL, XAVIER_NORMAL, XAVIER_UNIFORM, HE_NORMAL, HE_UNIFORM, LECUN_NORMAL;

    @Override public String key() { return Keyed.dashed(this); }
}
