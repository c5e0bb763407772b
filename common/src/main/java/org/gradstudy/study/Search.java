package org.gradstudy.study;

import java.io.Serializable;

/**
 * {@code search = boundary}: for every combination of the other axes, find the value of {@code axis}
 * (declared as a range, which is the initial bracket) where the step-0 depth attenuation of the
 * back-propagated signal, log10(||g_b,1|| / ||g_b,L||) of the bias gradients averaged over the
 * replicates, crosses 0: bisection until the bracket is narrower than {@code tolerance} (relative to the
 * value for log ranges, absolute otherwise) or {@code maxRounds} rounds.
 */
public record Search(Axis axis, double tolerance, int maxRounds) implements Serializable {
    public Search {
        if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be > 0");
        if (maxRounds < 1) throw new IllegalArgumentException("max-rounds must be >= 1");
    }
}
