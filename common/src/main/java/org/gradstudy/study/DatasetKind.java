package org.gradstudy.study;

/** Synthetic data sets, generated deterministically from the trial seed (nothing is downloaded). */
public enum DatasetKind implements Keyed {
    /** k interleaved noisy spiral arms in 2 dimensions, standardized. */
    SPIRALS,
    /** Gaussian inputs of {@code training.input-dim} dimensions labelled by a random tanh teacher network. */
    TEACHER;

    @Override public String key() { return Keyed.dashed(this); }
}
