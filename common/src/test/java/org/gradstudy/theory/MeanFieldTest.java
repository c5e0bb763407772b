package org.gradstudy.theory;

import org.gradstudy.study.Activation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The quadrature reproduces the closed forms and the published values of shared theory. */
class MeanFieldTest {
    @Test
    void closedFormsAndKnownValues() {
        assertEquals(1.0, MeanField.perLayerFactor(Activation.RELU, 2), 1e-15);
        assertEquals(Math.sqrt(0.5), MeanField.perLayerFactor(Activation.RELU, 1), 1e-15);
        // Quadrature of relu (kink at 0, handled by splitting the integral there) agrees with s/2.
        assertEquals(1.0, 2 * MeanField.gaussianMean(z -> MeanField.derivative(Activation.RELU, z)), 1e-12);
        // Sigmoid + xavier: chi about 0.0557, factor about 0.236 (the mean 1/2 enters the fixed point).
        assertEquals(0.0557, MeanField.chi(Activation.SIGMOID, 1), 0.0005);
        // SELU + lecun: fixed point q* = 1 (self-normalization) and chi about 1.07.
        assertEquals(1.0, MeanField.fixedPoint(Activation.SELU, 1), 1e-3);
        assertEquals(1.07, MeanField.chi(Activation.SELU, 1), 0.01);
        // tanh with s = 1: q* = 0 is the fixed point, where tanh' = 1, so chi -> 1 (slowly approached).
        assertEquals(1.0, MeanField.chi(Activation.TANH, 1), 0.05);
    }

    @Test
    void legendreRuleIsCommonsMathsRule() {
        // Same nodes and weights as commons-math's (slow) factory, to rounding: both are the roots of
        // P_200 polished by Newton's method, weights from P_200'.
        var reference = new org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory().legendre(MeanField.POINTS);
        double[][] rule = MeanField.legendre(MeanField.POINTS);
        for (int k = 0; k < MeanField.POINTS; k++) {
            assertEquals(reference.getPoint(k), rule[0][k], 1e-14, "node " + k);
            assertEquals(reference.getWeight(k), rule[1][k], 1e-14, "weight " + k);
        }
        // Gaussian moments: E[z^2] = 1, E[z^4] = 3 (the tails beyond |z| = 12 weigh under 1e-32).
        assertEquals(1.0, MeanField.gaussianMean(z -> z * z), 1e-13);
        assertEquals(3.0, MeanField.gaussianMean(z -> z * z * z * z), 1e-12);
    }
}
