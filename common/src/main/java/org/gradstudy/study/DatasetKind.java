package org.gradstudy.study;

/** Data sets: synthetic ones are generated deterministically from the trial seed; nothing is downloaded. */
public enum DatasetKind implements Keyed {
    /** k interleaved noisy spiral arms in 2 dimensions. */
    SPIRALS,
    /** Gaussian inputs of {@code training.input-dim} dimensions labelled by a random tanh teacher network. */
    TEACHER,
    /** k Gaussian clusters in {@code training.input-dim} dimensions, centres N(0, 4 I), unit spread. */
    BLOBS,
    /** n-bit parity of {@code training.input-dim} random +-1 bits (2 classes): hard for deep nets. */
    PARITY,
    /** A Parquet or CSV file: {@code training.file}, label column {@code training.label-column}. */
    FILE;

    @Override public String key() { return Keyed.dashed(this); }
}
