package org.gradstudy.study;

import java.io.Serializable;

/** How each trial of a study trains: the same for every trial of the study. */
public record Training(int steps, int batchSize, DatasetKind dataset, int samples, int classes,
                       int inputDim, double testFraction, Precision precision) implements Serializable {
    public Training {
        if (steps < 1 || batchSize < 1 || samples < 4 || classes < 2 || inputDim < 1)
            throw new IllegalArgumentException("invalid training settings: " + this);
        if (!(testFraction > 0 && testFraction < 1))
            throw new IllegalArgumentException("test fraction must be in (0, 1): " + testFraction);
        java.util.Objects.requireNonNull(dataset);
        java.util.Objects.requireNonNull(precision);
    }

    /** Examples used for training; the rest are held out. */
    public int trainSamples() { return samples - testSamples(); }

    /** Examples held out for evaluation (at least one). */
    public int testSamples() { return Math.max(1, (int) Math.round(samples * testFraction)); }

    /** Input dimensions of the generated data. */
    public int inputs() { return dataset == DatasetKind.SPIRALS ? 2 : inputDim; }
}
