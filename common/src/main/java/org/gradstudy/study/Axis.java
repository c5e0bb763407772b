package org.gradstudy.study;

import java.util.List;

/**
 * The axes a study may vary. Each axis has one spelling in study files ({@link #key()}), one typed
 * column in the result tables ({@link #column()}), a domain, a default used when a study leaves the
 * axis out, and a one-line doc. Adding a technique is adding a constant here, a field to
 * {@link TrialConfig} and its use in the network factory.
 */
public enum Axis {
    ACTIVATION(Domain.choice(Activation.class), Activation.RELU,
            "hidden-layer activation"),
    LEAKY_RELU_SLOPE(Domain.real(0.0, true, 1.0), 0.01,
            "slope of leaky-relu for x < 0 (only with activation leaky-relu)"),
    INIT(Domain.choice(Init.class), Init.XAVIER_NORMAL,
            "weight initialization of every layer (biases start at 0)"),
    INIT_GAIN(Domain.real(0.0, false, 100.0), 1.0,
            "gain g of scaled-normal init, N(0, g/fan_in) (only with init scaled-normal)"),
    NORMALIZATION(Domain.choice(Normalization.class), Normalization.NONE,
            "batch normalization of each hidden layer, before or after its activation"),
    RESIDUAL_EVERY(Domain.integer(0, 1024), 0,
            "identity skip connection around every k hidden layers after the first; 0 = none"),
    DEPTH(Domain.integer(1, 1024), 8,
            "number of hidden dense layers"),
    WIDTH(Domain.integer(1, 8192), 64,
            "units per hidden layer"),
    LEARNING_RATE(Domain.real(0.0, false, 100.0), 0.01,
            "learning rate of the optimizer"),
    OPTIMIZER(Domain.choice(Optimizer.class), Optimizer.SGD,
            "update rule"),
    CLIPPING(Domain.choice(Clipping.class), Clipping.NONE,
            "gradient clipping of the mean-loss gradient before the update"),
    CLIP_THRESHOLD(Domain.real(0.0, false, 1e6), 1.0,
            "clipping threshold: an L2 norm (global-l2, layer-l2) or a value (value) (only with clipping)"),
    L2(Domain.real(0.0, true, 10.0), 0.0,
            "L2 weight decay coefficient on weights (loss + l2/2 ||W||^2); 0 = none"),
    INPUT(Domain.choice(InputScaling.class), InputScaling.STANDARDIZED,
            "features standardized to mean 0, std 1, or raw");

    private final Domain domain;
    private final Object defaultValue;
    private final String doc;

    Axis(Domain domain, Object defaultValue, String doc) {
        this.domain = domain;
        this.defaultValue = defaultValue;
        this.doc = doc;
    }

    /** Spelling in study files, under {@code axes}: learning-rate. */
    public String key() { return Keyed.dashed(this); }

    /** Column name in the result tables: learning_rate. */
    public String column() { return name().toLowerCase(java.util.Locale.ROOT); }

    public Domain domain() { return domain; }

    public Object defaultValue() { return defaultValue; }

    public String doc() { return doc; }

    /**
     * Whether this axis means anything for a trial with the other values of {@code point}: the slope
     * only for leaky-relu, the gain only for scaled-normal, the threshold only with clipping. A trial
     * holds null for an axis that does not apply, and grid points that differ only there are one trial.
     */
    public boolean appliesTo(java.util.Map<Axis, Object> point) {
        return switch (this) {
            case LEAKY_RELU_SLOPE -> point.get(ACTIVATION) == Activation.LEAKY_RELU;
            case INIT_GAIN -> point.get(INIT) == Init.SCALED_NORMAL;
            case CLIP_THRESHOLD -> point.get(CLIPPING) != Clipping.NONE;
            default -> true;
        };
    }

    /** Whether this axis can be null in a trial (see {@link #appliesTo}). */
    public boolean conditional() { return condition() != null; }

    /** The axis whose value decides whether this one applies (activation for the slope...), or null. */
    public Axis condition() {
        return switch (this) {
            case LEAKY_RELU_SLOPE -> ACTIVATION;
            case INIT_GAIN -> INIT;
            case CLIP_THRESHOLD -> CLIPPING;
            default -> null;
        };
    }

    /** Canonical text of a value of this axis, as written in trial ids and tables. */
    public String format(Object value) {
        return value == null ? "n/a" : value instanceof Keyed k ? k.key() : String.valueOf(value);
    }

    /** The axes in canonical order: the order of expansion, trial ids and table columns. */
    public static List<Axis> ordered() { return List.of(values()); }

    /** What values an axis takes. */
    public sealed interface Domain {
        /** Human text of the allowed values, used in error messages. */
        String allowed();

        static Domain choice(Class<? extends Enum<?>> type) { return new Choice(type); }

        static Domain integer(int min, int max) { return new IntRange(min, max); }

        static Domain real(double min, boolean minInclusive, double max) { return new RealRange(min, minInclusive, max); }
    }

    /** One of the constants of an enum implementing {@link Keyed}. */
    public record Choice(Class<? extends Enum<?>> type) implements Domain {
        public List<Keyed> constants() {
            return java.util.Arrays.stream(type.getEnumConstants()).map(e -> (Keyed) e).toList();
        }

        @Override public String allowed() {
            return "one of " + String.join(", ", constants().stream().map(Keyed::key).toList());
        }
    }

    /** An integer in [min, max]. */
    public record IntRange(int min, int max) implements Domain {
        @Override public String allowed() { return "an integer from " + min + " to " + max; }
    }

    /** A finite real number in (min, max] or [min, max]. */
    public record RealRange(double min, boolean minInclusive, double max) implements Domain {
        public boolean contains(double v) {
            return Double.isFinite(v) && (minInclusive ? v >= min : v > min) && v <= max;
        }

        @Override public String allowed() {
            return "a number " + (minInclusive ? ">= " : "> ") + fmt(min) + " and <= " + fmt(max);
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }
    }
}
