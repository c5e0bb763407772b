package org.gradstudy.study;

import java.io.Serializable;

/**
 * The thresholds that turn a trial's gradient statistics into verdicts, set under {@code analysis} in a
 * study file. They change no trial (trial ids do not include them); they are recorded with each run and
 * in every aggregate row that uses them. All are log10 values.
 *
 * @param vanishingLog10        step-0 bias-gradient attenuation log10(||g_1|| / ||g_L||) below this: vanishing
 * @param explodingLog10        that attenuation above this (or a non-finite gradient): exploding
 * @param relativeGradientLog10 first hidden layer's log10(||dL/dW|| / ||W||) at step 0 below this: vanishing too
 *                              (attenuation misses networks whose every layer is tiny)
 */
public record Analysis(double vanishingLog10, double explodingLog10, double relativeGradientLog10) implements Serializable {
    public Analysis {
        if (!(vanishingLog10 < 0) || !(explodingLog10 > 0) || !(relativeGradientLog10 < 0))
            throw new IllegalArgumentException("analysis thresholds: vanishing and relative-gradient must be < 0, exploding > 0");
    }

    /** The defaults of {@link Setting#VANISHING_LOG10}, {@link Setting#EXPLODING_LOG10}, {@link Setting#RELATIVE_GRADIENT_LOG10}. */
    public static Analysis defaults() {
        return new Analysis((Double) Setting.VANISHING_LOG10.defaultValue(), (Double) Setting.EXPLODING_LOG10.defaultValue(),
                (Double) Setting.RELATIVE_GRADIENT_LOG10.defaultValue());
    }
}
