package org.gradstudy.study;

import java.io.Serializable;

/**
 * A continuous (or integer) axis declared as a range: {@code { log-uniform = [1e-4, 1.0] }}. A draw
 * u in [0, 1) maps to a value by the range's law; real values are rounded to 6 significant digits so
 * tables and trial ids stay readable.
 */
public record Range(Law law, double low, double high) implements Serializable {
    /** How values are spread between low and high. */
    public enum Law implements Keyed {
        UNIFORM, LOG_UNIFORM, INT_UNIFORM, INT_LOG_UNIFORM;

        @Override public String key() { return Keyed.dashed(this); }

        public boolean integer() { return this == INT_UNIFORM || this == INT_LOG_UNIFORM; }

        public boolean logarithmic() { return this == LOG_UNIFORM || this == INT_LOG_UNIFORM; }
    }

    public Range {
        if (!(low < high)) throw new IllegalArgumentException("range needs low < high");
        if (law.logarithmic() && !(low > 0)) throw new IllegalArgumentException("a log range needs low > 0");
    }

    /** The value at u in [0, 1): Integer for integer laws (inclusive of both ends), Double otherwise. */
    public Object at(double u) {
        if (law.integer()) {
            double lo = low - 0.5, hi = high + 0.5; // every integer in [low, high] equally wide
            double v = law.logarithmic() ? Math.exp(Math.log(low) + u * (Math.log(high + 1) - Math.log(low)))
                    : lo + u * (hi - lo);
            long r = law.logarithmic() ? (long) Math.floor(v) : Math.round(v);
            return (int) Math.max((long) low, Math.min((long) high, r));
        }
        double v = law.logarithmic() ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
        return round6(v);
    }

    /** The midpoint of [a, b] on this range's scale (geometric for log laws). */
    public double midpoint(double a, double b) {
        return law.logarithmic() ? Math.sqrt(a * b) : (a + b) / 2;
    }

    static double round6(double v) {
        if (v == 0 || !Double.isFinite(v)) return v;
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
    }

    @Override public String toString() { return "{ " + law.key() + " = [" + low + ", " + high + "] }"; }
}
