package org.gradstudy.study;

/** How a study draws its trials from the axes. */
public enum Sampling implements Keyed {
    /** Every combination of the listed values (ranges are not allowed). */
    GRID,
    /** {@code trials} points drawn independently: lists uniformly over their values, ranges by their law. */
    RANDOM,
    /** {@code trials} points of a scrambled-free Sobol sequence (Commons Math), the same laws as random. */
    SOBOL;

    @Override public String key() { return Keyed.dashed(this); }
}
