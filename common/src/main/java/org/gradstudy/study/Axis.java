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
    INIT(Domain.choice(Init.class), Init.XAVIER_NORMAL,
            "weight initialization of every layer (biases start at 0)"),
    DEPTH(Domain.integer(1, 1024), 8,
            "number of hidden dense layers"),
    WIDTH(Domain.integer(1, 8192), 64,
            "units per hidden layer"),
    LEARNING_RATE(Domain.real(0.0, false, 100.0), 0.01,
            "learning rate of the optimizer"),
    OPTIMIZER(Domain.choice(Optimizer.class), Optimizer.SGD,
            "update rule");

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

    /** Canonical text of a value of this axis, as written in trial ids and tables. */
    public String format(Object value) {
        return value instanceof Keyed k ? k.key() : String.valueOf(value);
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
