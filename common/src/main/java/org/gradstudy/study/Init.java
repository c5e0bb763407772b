package org.gradstudy.study;

/**
 * Weight initialization schemes for every dense layer (hidden and output); biases start at zero.
 * Variances: xavier 2/(fan_in+fan_out), he 2/fan_in, lecun 1/fan_in (uniform variants have the same
 * variance); small-normal N(0, init.small-std^2); large-normal N(0, init.large-std^2); scaled-normal
 * N(0, g/fan_in) with the gain g from the {@code init-gain} axis.
 */
public enum Init implements Keyed {
    ZERO, SMALL_NORMAL, LARGE_NORMAL, XAVIER_NORMAL, XAVIER_UNIFORM, HE_NORMAL, HE_UNIFORM, LECUN_NORMAL,
    LECUN_UNIFORM, SCALED_NORMAL;

    @Override public String key() { return Keyed.dashed(this); }
}
