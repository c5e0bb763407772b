package org.gradstudy.result;

import java.io.Serializable;

/**
 * Statistics of one parameter tensor of one layer at one training step. Gradients are of the MEAN
 * loss over the minibatch (DL4J's raw gradient is the sum; the probe divides by the batch size), taken
 * before the updater, so they compare directly with other frameworks' {@code loss.backward()}.
 *
 * @param step   0-based training step whose gradient this is (parameters before that step's update)
 * @param layer  1 = first hidden layer (nearest the input) ... depth + 1 = output layer
 * @param kind   hidden or output
 * @param param  W (weights) or b (biases)
 * @param loss   minibatch mean loss at this step
 */
public record LayerStat(int step, int layer, String kind, String param, double loss, long n,
                        double gradL2, double gradMeanAbs, double gradMaxAbs, double gradStd,
                        double gradZeroFraction, long gradNonFinite, double paramL2) implements Serializable {}
