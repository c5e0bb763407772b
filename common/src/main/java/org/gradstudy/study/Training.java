package org.gradstudy.study;

import java.io.Serializable;
import java.util.Objects;

/**
 * How each trial of a study trains: the same for every trial of the study. For {@code dataset = file}
 * the sample count, classes and input dimensions come from the file once it is loaded
 * ({@link #withFileData}), and its content fingerprint becomes part of every trial id.
 */
public record Training(int steps, int batchSize, DatasetKind dataset, int samples, int classes,
                       int inputDim, double testFraction, Precision precision, double smallStd, double largeStd,
                       String file, String labelColumn, String dataFingerprint) implements Serializable {
    public Training {
        if (steps < 1 || batchSize < 1 || samples < 4 || classes < 2 || inputDim < 1)
            throw new IllegalArgumentException("invalid training settings: " + this);
        if (!(testFraction > 0 && testFraction < 1))
            throw new IllegalArgumentException("test fraction must be in (0, 1): " + testFraction);
        if (!(smallStd > 0) || !(largeStd > 0)) throw new IllegalArgumentException("init stds must be > 0");
        Objects.requireNonNull(dataset);
        Objects.requireNonNull(precision);
        Objects.requireNonNull(labelColumn);
        if (dataset == DatasetKind.FILE && file == null) throw new IllegalArgumentException("dataset file needs training.file");
    }

    /** Synthetic-data settings with the default init scales (tests and tools). */
    public static Training synthetic(int steps, int batchSize, DatasetKind dataset, int samples, int classes,
                                     int inputDim, double testFraction, Precision precision) {
        return new Training(steps, batchSize, dataset, samples, classes, inputDim, testFraction, precision,
                0.01, 1.0, null, "label", null);
    }

    /** The same settings with the shape and fingerprint of a loaded data file. */
    public Training withFileData(int rows, int fileClasses, int features, String fingerprint) {
        return new Training(steps, batchSize, dataset, rows, fileClasses, features, testFraction, precision,
                smallStd, largeStd, file, labelColumn, fingerprint);
    }

    /** Examples used for training; the rest are held out. */
    public int trainSamples() { return samples - testSamples(); }

    /** Examples held out for evaluation (at least one). */
    public int testSamples() { return Math.max(1, (int) Math.round(samples * testFraction)); }

    /** Input dimensions of the data. */
    public int inputs() { return dataset == DatasetKind.SPIRALS ? 2 : inputDim; }

    /** Canonical text of the settings, part of every trial id. */
    String canonical() {
        StringBuilder sb = new StringBuilder();
        sb.append("|steps=").append(steps).append("|batch-size=").append(batchSize)
          .append("|dataset=").append(dataset.key()).append("|samples=").append(samples)
          .append("|classes=").append(classes).append("|input-dim=").append(inputs())
          .append("|test-fraction=").append(testFraction).append("|precision=").append(precision.key())
          .append("|small-std=").append(smallStd).append("|large-std=").append(largeStd);
        if (dataset == DatasetKind.FILE)
            sb.append("|file=").append(file).append("|label-column=").append(labelColumn).append("|data=").append(dataFingerprint);
        return sb.toString();
    }
}
