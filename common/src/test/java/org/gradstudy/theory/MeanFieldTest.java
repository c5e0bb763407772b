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
}
