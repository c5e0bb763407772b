package org.gradstudy.study;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every study-file key that is not an axis: its path, domain, default and doc, in one place. The
 * parser, the {@code keys} command and the README's key table all come from here.
 */
public enum Setting {
    NAME("name", Kind.NAME, null, 0, 0,
            "study name: letters, digits, '-' and '_'; partitions the tables (default: the file name without .conf)"),
    SEED("seed", Kind.LONG, 1L, Long.MIN_VALUE, Long.MAX_VALUE,
            "study seed; every trial's seed derives from it and the trial's replicate index"),
    REPLICATES("replicates", Kind.INT, 1, 1, 1000,
            "independent seeds per grid point"),
    SAMPLING("sampling", Kind.SAMPLING, Sampling.GRID, 0, 0,
            "grid (every combination), random or sobol (trials points; axes may then be ranges)"),
    TRIALS("trials", Kind.INT, 0, 0, 1_000_000,
            "with sampling random or sobol: points to draw (each times replicates); growing it keeps the first ones"),
    SEARCH("search", Kind.SEARCH_KIND, "none", 0, 0,
            "none, or boundary: find where the step-0 attenuation of one range axis crosses 0 (see boundary.*)"),
    SEARCH_AXIS("boundary.axis", Kind.AXIS_NAME, "init-gain", 0, 0,
            "with search = boundary: the axis searched (declared as a range: the initial bracket)"),
    SEARCH_TOLERANCE("boundary.tolerance", Kind.POSITIVE, 0.05, 0, 0,
            "with search = boundary: stop when the bracket is narrower (relative for log ranges)"),
    SEARCH_MAX_ROUNDS("boundary.max-rounds", Kind.INT, 12, 1, 100,
            "with search = boundary: at most this many rounds of trials"),
    STEPS("training.steps", Kind.INT, 200, 1, 10_000_000,
            "minibatch training steps per trial"),
    BATCH_SIZE("training.batch-size", Kind.INT, 64, 1, 65_536,
            "examples per minibatch"),
    DATASET("training.dataset", Kind.DATASET, DatasetKind.SPIRALS, 0, 0,
            "synthetic data set: " + Keyed.allowed(DatasetKind.class)),
    SAMPLES("training.samples", Kind.INT, 2048, 4, 10_000_000,
            "examples generated per trial, train and held-out together"),
    CLASSES("training.classes", Kind.INT, 3, 2, 1000,
            "number of classes (spiral arms, teacher outputs)"),
    INPUT_DIM("training.input-dim", Kind.INT, 16, 1, 100_000,
            "input dimensions of the teacher data set (spirals are always 2-d)"),
    TEST_FRACTION("training.test-fraction", Kind.FRACTION, 0.2, 0, 0,
            "share of the examples held out for evaluation, in (0, 1)"),
    PRECISION("training.precision", Kind.PRECISION, Precision.DOUBLE, 0, 0,
            "float or double training; double keeps vanishing gradients below 1e-19 from underflowing"),
    FILE("training.file", Kind.TEXT, "", 0, 0,
            "with dataset = file: a Parquet (.parquet, or a directory) or CSV (.csv, with a header) file; relative to the study file"),
    LABEL_COLUMN("training.label-column", Kind.TEXT, "label", 0, 0,
            "with dataset = file: the integer class column (0..k-1); every other column is a numeric feature"),
    SMALL_STD("init.small-std", Kind.POSITIVE, 0.01, 0, 0,
            "standard deviation of the small-normal init"),
    LARGE_STD("init.large-std", Kind.POSITIVE, 1.0, 0, 0,
            "standard deviation of the large-normal init"),
    PROBE_EVERY("probe.every", Kind.INT, 10, 1, 10_000_000,
            "record gradient statistics every k steps (step 0 and the last step always)"),
    PROBE_FIRST("probe.first", Kind.INT, 0, 0, 10_000_000,
            "also record each of the first n steps"),
    PROBE_LOG_SPACED("probe.log-spaced", Kind.INT, 0, 0, 100_000,
            "also record n log-spaced steps between the first and the last; 0 = none"),
    VANISHING_LOG10("analysis.vanishing-log10", Kind.NEGATIVE, -2.0, 0, 0,
            "a trial vanishes when log10 of its step-0 bias-gradient depth attenuation is below this (or see relative-gradient-log10)"),
    EXPLODING_LOG10("analysis.exploding-log10", Kind.POSITIVE, 2.0, 0, 0,
            "a trial explodes when log10 of its step-0 bias-gradient depth attenuation is above this, or a gradient is non-finite"),
    RELATIVE_GRADIENT_LOG10("analysis.relative-gradient-log10", Kind.NEGATIVE, -6.0, 0, 0,
            "a trial also vanishes when log10 ||g|| / ||W|| of its first hidden layer at step 0 is below this (every layer tiny)");

    /** The types of value a setting takes. */
    public enum Kind { NAME, LONG, INT, FRACTION, POSITIVE, NEGATIVE, TEXT, DATASET, PRECISION, SAMPLING, SEARCH_KIND, AXIS_NAME }

    private final String path;
    private final Kind kind;
    private final Object defaultValue;
    private final long min;
    private final long max;
    private final String doc;

    Setting(String path, Kind kind, Object defaultValue, long min, long max, String doc) {
        this.path = path;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.doc = doc;
    }

    public String path() { return path; }

    public Kind kind() { return kind; }

    public Object defaultValue() { return defaultValue; }

    public long min() { return min; }

    public long max() { return max; }

    public String doc() { return doc; }

    /** Human text of the allowed values, used in error messages. */
    public String allowed() {
        return switch (kind) {
            case NAME -> "letters, digits, '-' and '_' (1 to 64 characters)";
            case LONG -> "an integer";
            case INT -> "an integer from " + min + " to " + max;
            case FRACTION -> "a number > 0 and < 1";
            case POSITIVE -> "a number > 0";
            case NEGATIVE -> "a number < 0";
            case TEXT -> "a non-empty string";
            case DATASET -> "one of " + Keyed.allowed(DatasetKind.class);
            case PRECISION -> "one of " + Keyed.allowed(Precision.class);
            case SAMPLING -> "one of " + Keyed.allowed(Sampling.class);
            case SEARCH_KIND -> "one of none, boundary";
            case AXIS_NAME -> "an axis name: " + String.join(", ", Axis.ordered().stream().map(Axis::key).toList());
        };
    }

    public static Optional<Setting> byPath(String path) {
        return Arrays.stream(values()).filter(s -> s.path.equals(path)).findFirst();
    }
}
