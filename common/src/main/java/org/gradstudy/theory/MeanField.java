package org.gradstudy.theory;

import org.gradstudy.engine.NetworkFactory;
import org.gradstudy.study.Activation;

import java.util.function.DoubleUnaryOperator;

/**
 * Mean-field predictions (Schoenholz et al. 2017) for a deep fully connected network at
 * initialization with weights N(0, s / fan_in), zero biases and unit-variance inputs: the factor chi
 * by which the back-propagated signal's squared norm changes per layer, evaluated at the forward
 * variance fixed point q* = s E[phi(sqrt(q*) z)^2]. The norm changes by sqrt(chi) per layer.
 */
public final class MeanField {
    /** Points of the Gauss-Legendre rule on each side of 0, over [-12, 0] and [0, 12]. */
    static final int POINTS = 200;
    /** Nodes z_k and weights w_k * density(z_k) of both halves: E[f(z)] = sum_k W_k f(Z_k). */
    private static final double[] Z = new double[2 * POINTS], W = new double[2 * POINTS];

    static {
        double[][] rule = legendre(POINTS);
        for (int half = 0; half < 2; half++)
            for (int k = 0; k < POINTS; k++) {
                double z = half == 0 ? -6 + 6 * rule[0][k] : 6 + 6 * rule[0][k];
                Z[half * POINTS + k] = z;
                W[half * POINTS + k] = 6 * rule[1][k] * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
            }
    }

    private MeanField() {}

    /** Default leaky-relu slope, when none is given. */
    public static final double LEAKY_SLOPE = 0.01;

    /** chi for activation {@code a} and variance scale {@code s} (leaky-relu with slope 0.01). */
    public static double chi(Activation a, double s) { return chi(a, s, LEAKY_SLOPE); }

    /**
     * chi for activation {@code a}, variance scale {@code s} and leaky-relu slope {@code slope}. prelu is
     * taken at its initial slope 0.25; rrelu in training mode, where each slope is drawn from U(l, u), so
     * E[a^2] = (u^3 - l^3) / (3 (u - l)) replaces a^2.
     */
    public static double chi(Activation a, double s, double slope) {
        return switch (a) {
            case IDENTITY -> s;
            case RELU -> s / 2;
            case LEAKY_RELU -> s * (1 + slope * slope) / 2;
            case PRELU -> s * (1 + NetworkFactory.PRELU_INIT * NetworkFactory.PRELU_INIT) / 2;
            case RRELU -> {
                double l = NetworkFactory.RRELU_LOWER, u = NetworkFactory.RRELU_UPPER;
                yield s * (1 + (u * u * u - l * l * l) / (3 * (u - l))) / 2;
            }
            default -> {
                double sd = Math.sqrt(fixedPoint(a, s)); // once, not per integration point
                yield s * gaussianMean(z -> square(derivative(a, sd * z)));
            }
        };
    }

    /** Whether chi does not depend on the forward variance (positively homogeneous activations). */
    public static boolean homogeneous(Activation a) {
        return switch (a) {
            case IDENTITY, RELU, LEAKY_RELU, PRELU, RRELU -> true;
            default -> false;
        };
    }

    /**
     * {@link #finiteDepthFactor(Activation, double, double, int)} with a leaky-relu slope: for homogeneous
     * activations chi does not depend on the forward variance, so it is sqrt(chi) at every depth.
     */
    public static double finiteDepthFactor(Activation a, double s, double slope, double q1, int depth) {
        return homogeneous(a) ? Math.sqrt(chi(a, s, slope)) : finiteDepthFactor(a, s, q1, depth);
    }

    /** Predicted per-layer factor of the back-propagated signal's norm: sqrt(chi). */
    public static double perLayerFactor(Activation a, double s) { return Math.sqrt(chi(a, s)); }



    /**
     * Predicted per-layer factor of the back-propagated signal between hidden layer 1 and hidden layer
     * {@code depth}, following the forward variance layer by layer from {@code q1} (the first layer's
     * pre-activation variance) instead of assuming the fixed point: exact in the wide limit at any
     * depth, which matters where q approaches its fixed point slowly (tanh at s = 1 drifts like 1/l).
     */
    public static double finiteDepthFactor(Activation a, double s, double q1, int depth) {
        if (depth < 2) throw new IllegalArgumentException("need at least 2 hidden layers, got " + depth);
        double q = q1, logChi = 0;
        for (int l = 1; l < depth; l++) {
            double ql = q;
            logChi += Math.log(s * gaussianMean(z -> square(derivative(a, Math.sqrt(ql) * z))));
            q = s * gaussianMean(z -> square(value(a, Math.sqrt(ql) * z)));
        }
        return Math.exp(logChi / (2 * (depth - 1)));
    }

    /** The forward fixed point q* of the pre-activation variance, iterated from q = 1. */
    public static double fixedPoint(Activation a, double s) {
        double q = 1;
        for (int i = 0; i < 1000; i++) {
            double qq = q;
            double next = s * gaussianMean(z -> square(value(a, Math.sqrt(qq) * z)));
            if (Math.abs(next - q) <= 1e-13 * Math.max(1, q)) return next;
            q = next;
        }
        return q;
    }

    /** E[f(z)] for z ~ N(0, 1), by Gauss-Legendre on each side of 0 (activations have kinks there). */
    static double gaussianMean(DoubleUnaryOperator f) {
        double sum = 0;
        for (int k = 0; k < Z.length; k++) sum += W[k] * f.applyAsDouble(Z[k]);
        return sum;
    }

    /**
     * The n-point Gauss-Legendre rule on [-1, 1], {nodes, weights}: the roots of P_n by Newton's method
     * from Chebyshev-like guesses, weights 2 / ((1 - x^2) P_n'(x)^2). The same rule as commons-math's
     * factory, without its cost of building every rule below n (seconds for n = 200, once per JVM).
     */
    static double[][] legendre(int n) {
        double[] x = new double[n], w = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5)), dp = 0;
            for (int iteration = 0; iteration < 100; iteration++) {
                double p = 1, previous = 0; // P_j(z), P_{j-1}(z) by the three-term recurrence
                for (int j = 1; j <= n; j++) {
                    double older = previous;
                    previous = p;
                    p = ((2 * j - 1) * z * previous - (j - 1) * older) / j;
                }
                dp = n * (z * p - previous) / (z * z - 1);
                double step = p / dp;
                z -= step;
                if (Math.abs(step) <= 1e-16) break;
            }
            x[i] = -z;
            x[n - 1 - i] = z;
            w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
        }
        return new double[][] {x, w};
    }

    static double value(Activation a, double h) {
        return switch (a) {
            case SIGMOID -> 1 / (1 + Math.exp(-h));
            case TANH -> Math.tanh(h);
            case RELU -> Math.max(0, h);
            case LEAKY_RELU -> h > 0 ? h : LEAKY_SLOPE * h;
            case PRELU -> h > 0 ? h : NetworkFactory.PRELU_INIT * h;
            case RRELU -> h > 0 ? h : (NetworkFactory.RRELU_LOWER + NetworkFactory.RRELU_UPPER) / 2 * h;
            case ELU -> h > 0 ? h : Math.expm1(h);
            case SELU -> SELU_LAMBDA * (h > 0 ? h : SELU_ALPHA * Math.expm1(h));
            case IDENTITY -> h;
        };
    }

    static double derivative(Activation a, double h) {
        return switch (a) {
            case SIGMOID -> { double s = 1 / (1 + Math.exp(-h)); yield s * (1 - s); }
            case TANH -> { double t = Math.tanh(h); yield 1 - t * t; }
            case RELU -> h > 0 ? 1 : 0;
            case LEAKY_RELU -> h > 0 ? 1 : LEAKY_SLOPE;
            case PRELU -> h > 0 ? 1 : NetworkFactory.PRELU_INIT;
            case RRELU -> h > 0 ? 1 : (NetworkFactory.RRELU_LOWER + NetworkFactory.RRELU_UPPER) / 2;
            case ELU -> h > 0 ? 1 : Math.exp(h);
            case SELU -> SELU_LAMBDA * (h > 0 ? 1 : SELU_ALPHA * Math.exp(h));
            case IDENTITY -> 1;
        };
    }

    /** SELU constants of Klambauer et al. 2017 (the ones DL4J uses). */
    static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    static final double SELU_LAMBDA = 1.0507009873554804934193349852946;

    private static double square(double x) { return x * x; }
}
