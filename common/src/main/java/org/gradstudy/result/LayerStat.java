package org.gradstudy.result;

import java.io.Serializable;

/**
 * Statistics of one trainable parameter tensor of one layer at one training step. Gradients are of the
 * MEAN loss over the minibatch (DL4J's raw gradient is the sum; the probe divides by the batch size),
 * taken before clipping, regularization and the updater, so they compare directly with other
 * frameworks' {@code loss.backward()}.
 *
 * @param step          0-based training step whose gradient this is (parameters before that step's update)
 * @param layer         1 = first hidden layer (nearest the input) ... depth + 1 = output layer
 * @param kind          hidden or output
 * @param param         W, b (dense), gamma, beta (batch norm), alpha (prelu slopes)
 * @param loss          minibatch mean loss at this step
 * @param updateL2      L2 norm of the update the optimizer applied at this step
 * @param updateRatio   ||applied update|| / ||parameter before the update|| (null when the parameter is 0)
 * @param actMean       mean of the layer's activation output over batch and units (hidden layers)
 * @param actStd        its standard deviation
 * @param actSaturated  fraction of activations saturated: |tanh| > 0.99, sigmoid < 0.01 or > 0.99 (else null)
 * @param actDead       fraction of units <= 0 for every example of the batch (relu family, else null)
 * @param gradNormPreClip  L2 norm of the whole gradient (all trainable tensors) before clipping
 * @param gradNormPostClip the same after clipping (equal to pre when no clipping)
 * @param clipped       whether clipping changed the gradient at this step
 */
public record LayerStat(int step, int layer, String kind, String param, double loss, long n,
                        double gradL2, double gradMeanAbs, double gradMaxAbs, double gradStd,
                        double gradZeroFraction, long gradNonFinite, double paramL2, double updateL2, Double updateRatio,
                        Double actMean, Double actStd, Double actSaturated, Double actDead,
                        double gradNormPreClip, double gradNormPostClip, boolean clipped) implements Serializable {}
