package org.gradstudy.engine;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.gradstudy.result.LayerStat;
import org.gradstudy.study.ProbeSettings;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Records per-layer gradient statistics while a network trains. It listens to
 * {@code onGradientCalculation}, which DL4J fires after back-propagation and before the updater: the
 * gradient there is raw (no clipping, regularization or learning rate) and summed over the minibatch;
 * the probe divides by the batch size so it stores the gradient of the mean loss. It also watches
 * every step (not only recorded ones) for a non-finite loss or gradient, records that step, and
 * reports it through {@link #firstNonFiniteStep()}.
 */
public final class GradientProbe extends BaseTrainingListener {
    private final List<ParamSlot> slots;
    private final ProbeSettings schedule;
    private final int steps;
    private final List<LayerStat> stats = new ArrayList<>();
    private int step;
    private int batchSize = 1;
    private Integer firstNonFiniteStep;

    public GradientProbe(List<ParamSlot> slots, ProbeSettings schedule, int steps) {
        this.slots = List.copyOf(slots);
        this.schedule = schedule;
        this.steps = steps;
    }

    /** The size of the minibatch of the next step: the raw gradient is divided by it. */
    public void batchSize(int batchSize) { this.batchSize = batchSize; }

    @Override
    public void onGradientCalculation(Model model) {
        double loss = model.score();
        Gradient gradient = model.gradient();
        boolean nonFinite = !Double.isFinite(loss);
        if (!nonFinite) {
            // One native reduction finds NaN/Inf cheaply; an infinite sum of finite values is re-checked exactly.
            INDArray flat = gradient.gradient();
            if (!Double.isFinite(flat.sumNumber().doubleValue())) nonFinite = TensorStats.of(flat, 1).nonFinite() > 0;
        }
        if (nonFinite && firstNonFiniteStep == null) firstNonFiniteStep = step;
        if (schedule.records(step, steps) || nonFinite) record(model, gradient, loss);
        step++;
    }

    private void record(Model model, Gradient gradient, double loss) {
        double scale = 1.0 / batchSize;
        for (ParamSlot s : slots) {
            TensorStats g = TensorStats.of(gradient.getGradientFor(s.key()), scale);
            TensorStats p = TensorStats.of(model.getParam(s.key()), 1.0);
            stats.add(new LayerStat(step, s.layer(), s.kind().key(), s.param(), loss, g.n(), g.l2(), g.meanAbs(),
                    g.maxAbs(), g.std(), g.zeroFraction(), g.nonFinite(), p.l2()));
        }
    }

    /** The first step whose loss or gradient was not finite, or null. */
    public Integer firstNonFiniteStep() { return firstNonFiniteStep; }

    /** Steps whose gradient has been seen so far. */
    public int stepsSeen() { return step; }

    /** The statistics recorded so far, in step then layer order. */
    public List<LayerStat> stats() { return List.copyOf(stats); }
}
