package org.gradstudy.engine;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.gradstudy.result.LayerStat;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Clipping;
import org.gradstudy.study.TrialConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records per-layer statistics while a network trains, and applies global-L2 clipping (DL4J has no
 * clipping across layers, and the probe already has the norm). Per step, DL4J calls:
 * <ol>
 * <li>{@code onForwardPass}: the probe summarizes each hidden layer's activations (recorded steps only);</li>
 * <li>{@code onGradientCalculation}, after back-propagation and before the updater: the gradient is raw
 * (no clipping, regularization or learning rate) and summed over the minibatch; the probe divides by
 * the batch size so it records the gradient of the mean loss, checks every step for a non-finite loss or
 * gradient, measures the global norm and clips;</li>
 * <li>{@code iterationDone}: the gradient arrays now hold the applied update, giving ||update|| / ||param||.</li>
 * </ol>
 * Recorded: the schedule's steps and the first non-finite step.
 */
public final class GradientProbe extends BaseTrainingListener {
    private final List<ParamSlot> slots;
    private final List<ActivationSlot> activationSlots;
    private final Activation activation;
    private final Clipping clipping;
    private final double threshold;
    private final BitSet schedule;
    private final List<LayerStat> stats = new ArrayList<>();
    private final Map<Integer, ActivationStats> pendingActivations = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private int step;
    private int batchSize = 1;
    private int clippedSteps;
    private Integer firstNonFiniteStep;
    private Integer firstNonFiniteLayer;

    private record Pending(ParamSlot slot, TensorStats grad, double paramL2, double loss, double pre, double post, boolean clipped) {}

    public GradientProbe(ProbedNetwork net, TrialConfig trial) {
        this.slots = net.slots();
        this.activationSlots = net.activations();
        this.activation = trial.activation();
        this.clipping = trial.clipping();
        this.threshold = trial.clipThreshold() == null ? Double.POSITIVE_INFINITY : trial.clipThreshold();
        this.schedule = trial.probe().schedule(trial.training().steps());
    }

    /** The size of the minibatch of the next step: the raw gradient is divided by it. */
    public void batchSize(int batchSize) { this.batchSize = batchSize; }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        if (!schedule.get(step)) return;
        for (ActivationSlot a : activationSlots) {
            INDArray act = activations.get(a.vertex());
            if (act != null) pendingActivations.put(a.layer(), ActivationStats.of(act, activation));
        }
    }

    @Override
    public void onGradientCalculation(Model model) {
        double loss = model.score();
        Gradient gradient = model.gradient();
        double scale = 1.0 / batchSize;
        boolean nonFinite = !Double.isFinite(loss);
        if (!nonFinite) {
            // One native reduction finds NaN/Inf cheaply; an infinite sum of finite values is re-checked exactly.
            INDArray flat = gradient.gradient();
            if (!Double.isFinite(flat.sumNumber().doubleValue())) nonFinite = TensorStats.of(flat, 1).nonFinite() > 0;
        }
        boolean record = schedule.get(step) || nonFinite;
        double valueClip = clipping == Clipping.VALUE ? threshold : Double.POSITIVE_INFINITY;

        Map<ParamSlot, TensorStats> grads = new LinkedHashMap<>();
        double pre = 0, post;
        if (record) {
            double sq = 0;
            for (ParamSlot s : slots) {
                TensorStats g = TensorStats.of(gradient.getGradientFor(s.key()), scale, valueClip);
                grads.put(s, g);
                sq += g.l2() * g.l2();
            }
            pre = Math.sqrt(sq);
        } else if (clipping == Clipping.GLOBAL_L2 || clipping == Clipping.LAYER_L2) {
            double sq = 0;
            for (ParamSlot s : slots) {
                double l2 = gradient.getGradientFor(s.key()).norm2Number().doubleValue() * scale;
                sq += l2 * l2;
            }
            pre = Math.sqrt(sq);
        }
        if (nonFinite && firstNonFiniteStep == null) {
            firstNonFiniteStep = step;
            for (Map.Entry<ParamSlot, TensorStats> e : grads.entrySet())
                if (e.getValue().nonFinite() > 0)
                    firstNonFiniteLayer = Math.max(firstNonFiniteLayer == null ? 0 : firstNonFiniteLayer, e.getKey().layer());
        }

        boolean clipped;
        switch (clipping) {
            case GLOBAL_L2 -> {
                clipped = pre > threshold;
                post = Math.min(pre, threshold);
                if (clipped) for (ParamSlot s : slots) gradient.getGradientFor(s.key()).muli(threshold / pre);
            }
            case LAYER_L2 -> { // DL4J's ClipL2PerLayer: the norm over all of a layer's parameters
                Map<String, Double> layerSq = new LinkedHashMap<>();
                for (ParamSlot s : slots) {
                    double l2 = record ? grads.get(s).l2() : gradient.getGradientFor(s.key()).norm2Number().doubleValue() * scale;
                    layerSq.merge(s.vertex(), l2 * l2, Double::sum);
                }
                double sq = 0;
                clipped = false;
                for (double v : layerSq.values()) {
                    double n = Math.sqrt(v);
                    clipped |= n > threshold;
                    sq += Math.min(n, threshold) * Math.min(n, threshold);
                }
                post = Math.sqrt(sq);
            }
            case VALUE -> {
                double max = 0, sq = 0;
                for (ParamSlot s : slots)
                    if (record) {
                        max = Math.max(max, grads.get(s).maxAbs());
                        sq += grads.get(s).clippedL2() * grads.get(s).clippedL2();
                    } else max = Math.max(max, gradient.getGradientFor(s.key()).amaxNumber().doubleValue() * scale);
                clipped = max > threshold;
                post = Math.sqrt(sq);
            }
            default -> {
                clipped = false;
                post = pre;
            }
        }
        if (clipped) clippedSteps++;
        if (record)
            for (ParamSlot s : slots)
                pending.add(new Pending(s, grads.get(s), model.getParam(s.key()).norm2Number().doubleValue(), loss, pre, post, clipped));
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (!pending.isEmpty()) {
            Gradient update = model.gradient(); // now holds the update the optimizer applied
            for (Pending p : pending) {
                double upd = TensorStats.of(update.getGradientFor(p.slot.key()), 1).l2();
                ActivationStats a = p.slot.kind() == ParamSlot.Kind.HIDDEN ? pendingActivations.get(p.slot.layer()) : null;
                TensorStats g = p.grad;
                stats.add(new LayerStat(step, p.slot.layer(), p.slot.kind().key(), p.slot.param(), p.loss, g.n(), g.l2(),
                        g.meanAbs(), g.maxAbs(), g.std(), g.zeroFraction(), g.nonFinite(), p.paramL2, upd,
                        p.paramL2 > 0 ? upd / p.paramL2 : null,
                        a == null ? null : a.mean(), a == null ? null : a.std(), a == null ? null : a.saturated(),
                        a == null ? null : a.dead(), p.pre, p.post, p.clipped));
            }
            pending.clear();
        }
        pendingActivations.clear();
        step++;
    }

    /** The first step whose loss or gradient was not finite, or null. */
    public Integer firstNonFiniteStep() { return firstNonFiniteStep; }

    /** At the first non-finite step, the layer nearest the output with a non-finite gradient, or null. */
    public Integer firstNonFiniteLayer() { return firstNonFiniteLayer; }

    /** Steps completed so far. */
    public int stepsSeen() { return step; }

    /** Fraction of the completed steps at which clipping changed the gradient. */
    public double clipRate() { return step == 0 ? 0 : (double) clippedSteps / step; }

    /** The statistics recorded so far, in step then layer order. */
    public List<LayerStat> stats() { return List.copyOf(stats); }
}
