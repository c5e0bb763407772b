package org.gradstudy.engine;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.gradstudy.result.LayerStats;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Clipping;
import org.gradstudy.study.TrialConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 *
 * <p>Cost: a step that is not recorded costs one pass over the gradient (the non-finite check) and, with global or
 * layer clipping, one more; a recorded step reads each gradient, parameter and update tensor once (in place; a
 * float tensor through a reusable buffer), and takes its non-finite check from the gradients' statistics. The
 * engine's dense layers ({@link KeptPreOutputDense}) hand their gradients over as their back-propagation writes
 * them ({@link #written}): the probe reads them then, from the core's cache, instead of from memory once the
 * whole network's back-propagation is done (a depth-64, width-256 gradient is 33 MB); they are the same arrays
 * with the same values, and the rest (output layer, batch norm) is read at {@code onGradientCalculation}. A step
 * that is not recorded checks in the layers only when the gradient takes {@link #IN_LAYER_CHECK_BYTES} or more:
 * a smaller one is still in the cache at {@code onGradientCalculation}, where one pass over the flat gradient
 * costs less than a check per tensor. The same layers hand over their outputs as the training forward pass
 * computes them ({@link #activated}), the arrays {@code onForwardPass} then receives (a depth-64, width-256
 * network's activations are 8 MB a step).
 * Likewise the update and parameter norms: the network's gradient-descent step ({@link NormedStep}) takes them
 * as it subtracts each parameter's update, instead of the probe reading both arrays again at {@code iterationDone}.
 * Per-step state lives in arrays allocated once per trial.
 */
public final class GradientProbe extends BaseTrainingListener {
    /**
     * From this gradient size on (bytes of the flat gradient), a step that is not recorded checks each dense
     * layer's gradient for non-finite values in the layer, as its back-propagation writes it, instead of in
     * one pass at {@code onGradientCalculation}. Below it, the flat gradient is still in the core's cache (1 MB
     * of L2 here), and one pass costs less than a check per tensor (a BLAS call and a few lookups each). Harness
     * around the step benchmark, CPU overhead over no probe, medians of 400 paired repetitions, four runs each,
     * 2026-12-07: relu d4 w64 (0.1 MB), sampled probe 1.29-2.01% in one pass against 1.51-2.02% in the layers;
     * relu d16 w64 (0.5 MB) even (1.41-2.15% and 1.35-1.94%); the probe attached but recording nothing, relu
     * d4 w256 (2.1 MB) even, relu d16 w256 (8.4 MB) 1.8-2.3% in one pass against 0.7-1.2% in the layers.
     * Another size with {@code -Dgradstudy.probe.inLayerCheckBytes=N} (0: always in the layers).
     */
    static final long IN_LAYER_CHECK_BYTES = 1L << 20;
    /** The system property that sets another {@link #IN_LAYER_CHECK_BYTES}, read as each probe is built. */
    static final String IN_LAYER_CHECK_PROPERTY = "gradstudy.probe.inLayerCheckBytes";
    private final ParamSlot[] slots;
    private final List<ActivationSlot> activationSlots;
    private final Activation activation;
    private final Clipping clipping;
    private final double threshold;
    private final BitSet schedule;
    private final LayerStats.Builder stats = new LayerStats.Builder();
    private final Scratch scratch = new Scratch(), scratch2 = new Scratch();
    /** Per slot, this step's statistics (reused every recorded step). */
    private final TensorStats[] grads;
    private final double[] paramL2, slotL2;
    /**
     * Per slot, ||param|| after the last update, read with that update's norm in one pass when the next
     * step is scheduled: the parameters the next step starts from, so its own reading is saved. Only
     * when nothing changes them between steps (DL4J applies parameter constraints after the listeners).
     */
    private final double[] nextParamL2;
    private final boolean paramsStableBetweenSteps;
    private boolean nextParamL2Ready;
    private final double[] pair = new double[2];
    /** One recorded row's doubles, handed to {@link LayerStats.Builder#add(int, int, String, String, double[], long, long, int, boolean)}. */
    private final double[] row = new double[15];
    /** Per slot, the index of its DL4J layer (vertex) in {@link #layerSq}: layer-L2 clipping's groups. */
    private final int[] group;
    private final double[] layerSq;
    /** Per hidden layer (1-based), this step's activation statistics, or null. */
    private final ActivationStats[] acts;
    private boolean pending;
    private double pendingLoss, pendingPre, pendingPost;
    private boolean pendingClipped;
    private int step;
    private int batchSize = 1;
    private int clippedSteps;
    private Integer firstNonFiniteStep;
    private Integer firstNonFiniteLayer;
    private List<String> unslotted;
    /** Slot indices by the name of a layer that hands its gradients over during back-propagation. */
    private final Map<String, int[]> slotsOfLayer = new HashMap<>();
    /** Hidden layer numbers by the name of the vertex whose output is that layer's activation. */
    private final Map<String, Integer> layerOfOutput = new HashMap<>();
    /** Activations read in their layers so far ({@link #activated}). */
    private long activationsInLayers;
    /** Per slot, whether this step's gradient was read in its layer (statistics on a recorded step, else the non-finite check). */
    private final boolean[] early;
    private boolean anyEarly, earlyNonFinite;
    /** Whether a step that is not recorded checks the dense layers' gradients in the layers ({@link #IN_LAYER_CHECK_BYTES}). */
    private final boolean checkInLayers;
    /** DL4J's updater, which can check a step's gradient as it divides it by the minibatch size; or null. */
    private final FlatGradientUpdater updater;
    /**
     * Whether a step that is not recorded leaves its non-finite check to the updater's division
     * ({@link FlatGradientUpdater#divideByMinibatch}): no clipping, a power-of-two minibatch, and a division that
     * covers every gradient element but those checked here (batch norm's running statistics). Decided at the first step.
     */
    private Boolean checkInDivision;
    /** This step's gradient and loss while the updater's division checks it, else null. */
    private Gradient inDivision;
    private double inDivisionLoss;
    private final FlatGradientUpdater.Division division = new FlatGradientUpdater.Division() {
        @Override public boolean wanted() { return inDivision != null; }

        @Override public void divided(boolean finite) { GradientProbe.this.divided(finite); }
    };
    private long readInLayers;
    /** The network's gradient-descent step, taking the update and parameter norms as it applies the update; or null. */
    private final NormedStep normed;
    private final org.deeplearning4j.nn.graph.ComputationGraph net;
    /** What the dense layers hand their gradients and outputs to, and the layers that do. */
    private final KeptPreOutputDense.Sink sink;
    private final List<KeptPreOutputDense.Impl> sunk = new ArrayList<>();

    public GradientProbe(ProbedNetwork net, TrialConfig trial) {
        this.slots = net.slots().toArray(ParamSlot[]::new);
        this.activationSlots = net.activations();
        this.activation = trial.activation();
        this.clipping = trial.clipping();
        this.threshold = trial.clipThreshold() == null ? Double.POSITIVE_INFINITY : trial.clipThreshold();
        this.schedule = trial.probe().schedule(trial.training().steps());
        this.grads = new TensorStats[slots.length];
        this.paramL2 = new double[slots.length];
        this.nextParamL2 = new double[slots.length];
        this.paramsStableBetweenSteps = !hasConstraints(net.net());
        this.slotL2 = new double[slots.length];
        this.group = new int[slots.length];
        Map<String, Integer> groups = new HashMap<>();
        for (int i = 0; i < slots.length; i++) group[i] = groups.computeIfAbsent(slots[i].vertex(), k -> groups.size());
        this.layerSq = new double[groups.size()];
        int maxLayer = 0;
        for (ActivationSlot a : activationSlots) maxLayer = Math.max(maxLayer, a.layer());
        this.acts = new ActivationStats[maxLayer + 1];
        this.early = new boolean[slots.length];
        for (ActivationSlot a : activationSlots) layerOfOutput.put(a.vertex(), a.layer());
        this.net = net.net();
        long elementBytes = trial.training().precision() == org.gradstudy.study.Precision.FLOAT ? 4 : 8;
        this.checkInLayers = this.net.numParams() * elementBytes >= Long.getLong(IN_LAYER_CHECK_PROPERTY, IN_LAYER_CHECK_BYTES);
        this.sink = new KeptPreOutputDense.Sink() {
            @Override public void written(String layer, Gradient gradient) { GradientProbe.this.written(layer, gradient); }

            @Override public void activated(String layer, INDArray output) { GradientProbe.this.activated(layer, output); }
        };
        for (org.deeplearning4j.nn.api.Layer l : this.net.getLayers())
            if (l instanceof KeptPreOutputDense.Impl dense) {
                String name = dense.getConfig().getLayerName();
                int[] idx = java.util.stream.IntStream.range(0, slots.length).filter(i -> slots[i].vertex().equals(name)).toArray();
                if (idx.length > 0) slotsOfLayer.put(name, idx);
                if (idx.length > 0 || layerOfOutput.containsKey(name)) sunk.add(dense);
            }
        this.normed = NormedStep.install(this.net, Arrays.stream(slots).map(ParamSlot::key).toArray(String[]::new), scratch, scratch2);
        this.updater = this.net.getUpdater() instanceof FlatGradientUpdater f ? f : null;
        attach();
    }

    /**
     * Makes this probe the network's (the constructor does): its listener, the receiver of its dense layers'
     * gradients and outputs, and its gradient-descent step. Again after another probe or none trained the
     * network ({@link Trainer#attach}: the step benchmark's modes on one network).
     */
    void attach() {
        net.setListeners(this);
        for (KeptPreOutputDense.Impl dense : sunk) dense.sink(sink);
        if (normed != null) NormedStep.use(net, normed);
        if (updater != null) updater.division(division);
    }

    /**
     * A dense layer's parameter gradients, just written by its back-propagation: their statistics on a
     * recorded step, else their non-finite check. The values are those {@link #onGradientCalculation} sees
     * (nothing changes a parameter gradient between its layer's back-propagation and the listeners).
     */
    private void written(String layer, Gradient gradient) {
        boolean stats = schedule.get(step);
        if (!stats && (!checkInLayers || Boolean.TRUE.equals(checkInDivision))) return; // one pass over the flat gradient, or the division's
        int[] idx = slotsOfLayer.get(layer);
        if (idx == null) return;
        for (int i : idx) {
            INDArray g = gradient.getGradientFor(slots[i].param());
            if (g == null) continue;
            if (stats) grads[i] = TensorStats.of(g, 1.0 / batchSize, valueClip(), scratch);
            else earlyNonFinite |= !TensorStats.allFinite(g, scratch);
            early[i] = true;
            anyEarly = true;
            readInLayers++;
        }
    }

    /** Steps whose update and parameter norms the network's step took ({@link NormedStep}). */
    long normedSteps() { return normed == null ? 0 : normed.taken(); }

    /**
     * A dense layer's output, just computed by the training forward pass: its statistics on a recorded step,
     * read from the core's cache instead of from memory at {@link #onForwardPass} (the same array).
     */
    private void activated(String layer, INDArray output) {
        Integer l = layerOfOutput.get(layer);
        if (l == null || !schedule.get(step)) return;
        acts[l] = ActivationStats.of(output, activation, scratch);
        activationsInLayers++;
    }

    /** Activations read in their layers so far ({@link #activated}). */
    long activationsInLayers() { return activationsInLayers; }

    /** Parameter gradients read in their layers so far ({@link #written}). */
    long readInLayers() { return readInLayers; }

    /** The element-wise clipping threshold the clipped norm is computed at (infinite: no value clipping). */
    private double valueClip() { return clipping == Clipping.VALUE ? threshold : Double.POSITIVE_INFINITY; }

    /** The size of the minibatch of the next step: the raw gradient is divided by it. */
    public void batchSize(int batchSize) { this.batchSize = batchSize; }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        clearEarly(); // what the layers hand over from here on is this step's back-propagation
        if (!schedule.get(step)) return;
        for (ActivationSlot a : activationSlots) {
            if (acts[a.layer()] != null) continue; // read in its layer
            INDArray act = activations.get(a.vertex());
            if (act != null) acts[a.layer()] = ActivationStats.of(act, activation, scratch);
        }
    }

    @Override
    public void onGradientCalculation(Model model) {
        double loss = model.score();
        Gradient gradient = model.gradient();
        double scale = 1.0 / batchSize;
        boolean nonFinite = !Double.isFinite(loss);
        boolean scheduled = schedule.get(step);
        // A scheduled step reads every slot's gradient anyway, counting its non-finite elements: only the
        // gradient entries outside the slots (batch norm's running statistics) need their own check then.
        // Any other step is checked by the updater's division by the minibatch size where it can (divided),
        // else here, in the layers or in one pass over the flat gradient, and is recorded if it is not finite.
        if (checkInDivision == null) checkInDivision = clipping == Clipping.NONE && updater != null && divisionCoversTheRest(gradient);
        if (!nonFinite && !scheduled) {
            if (checkInDivision) { // the updater's division checks, and records the step if it is not finite
                inDivision = gradient;
                inDivisionLoss = loss;
            } else nonFinite = !finite(gradient);
        }
        boolean record = scheduled || nonFinite;
        double valueClip = valueClip();

        double pre = 0, post;
        if (record) {
            pre = readGradients(gradient, scale);
            nonFinite |= anyNonFinite(gradient);
        } else if (clipping == Clipping.GLOBAL_L2 || clipping == Clipping.LAYER_L2) {
            double sq = 0;
            for (int i = 0; i < slots.length; i++) {
                double l2 = TensorStats.l2(gradient.getGradientFor(slots[i].key()), scratch) * scale;
                slotL2[i] = l2;
                sq += l2 * l2;
            }
            pre = Math.sqrt(sq);
        }
        if (nonFinite) firstNonFinite();

        boolean clipped;
        switch (clipping) {
            case GLOBAL_L2 -> {
                clipped = pre > threshold;
                post = Math.min(pre, threshold);
                if (clipped) for (ParamSlot s : slots) gradient.getGradientFor(s.key()).muli(threshold / pre);
            }
            case LAYER_L2 -> { // DL4J's ClipL2PerLayer: the norm over all of a layer's parameters
                Arrays.fill(layerSq, 0);
                for (int i = 0; i < slots.length; i++) layerSq[group[i]] += slotL2[i] * slotL2[i];
                double sq = 0;
                clipped = false;
                for (double v : layerSq) {
                    double n = Math.sqrt(v);
                    clipped |= n > threshold;
                    sq += Math.min(n, threshold) * Math.min(n, threshold);
                }
                post = Math.sqrt(sq);
            }
            case VALUE -> {
                double max = 0, sq = 0;
                for (int i = 0; i < slots.length; i++)
                    if (record) {
                        max = Math.max(max, grads[i].maxAbs());
                        sq += grads[i].clippedL2() * grads[i].clippedL2();
                    } else max = Math.max(max, TensorStats.maxAbs(gradient.getGradientFor(slots[i].key()), scratch) * scale);
                clipped = max > threshold;
                post = Math.sqrt(sq);
            }
            default -> {
                clipped = false;
                post = pre;
            }
        }
        if (clipped) clippedSteps++;
        if (record) pend(loss, pre, post, clipped);
        if (normed != null) normed.request(record || paramsStableBetweenSteps && schedule.get(step + 1));
    }

    /** Each slot's gradient statistics at {@code scale} (those read in their layers kept); the global L2 norm. */
    private double readGradients(Gradient gradient, double scale) {
        double sq = 0;
        for (int i = 0; i < slots.length; i++) {
            TensorStats g = grads[i] != null ? grads[i] : TensorStats.of(gradient.getGradientFor(slots[i].key()), scale, valueClip(), scratch);
            grads[i] = g;
            slotL2[i] = g.l2();
            sq += g.l2() * g.l2();
        }
        return Math.sqrt(sq);
    }

    /** Whether any slot's statistics count a non-finite element, or any gradient outside the slots has one. */
    private boolean anyNonFinite(Gradient gradient) {
        boolean any = false;
        for (TensorStats g : grads) any |= g.nonFinite() > 0;
        for (String key : unslotted(gradient)) any |= !TensorStats.allFinite(gradient.getGradientFor(key), scratch);
        return any;
    }

    /** Notes this step as the first non-finite one (unless one was), with its layer nearest the output with a non-finite gradient. */
    private void firstNonFinite() {
        if (firstNonFiniteStep != null) return;
        firstNonFiniteStep = step;
        for (int i = 0; i < slots.length; i++)
            if (grads[i].nonFinite() > 0)
                firstNonFiniteLayer = Math.max(firstNonFiniteLayer == null ? 0 : firstNonFiniteLayer, slots[i].layer());
    }

    /** This step's row waits for its update norms ({@link #iterationDone}): the parameter norms before the update, and the rest. */
    private void pend(double loss, double pre, double post, boolean clipped) {
        if (nextParamL2Ready) System.arraycopy(nextParamL2, 0, paramL2, 0, slots.length);
        else for (int i = 0; i < slots.length; i++) paramL2[i] = TensorStats.l2(net.getParam(slots[i].key()), scratch);
        pending = true;
        pendingLoss = loss;
        pendingPre = pre;
        pendingPost = post;
        pendingClipped = clipped;
    }

    /**
     * The updater divided this step's gradient by the minibatch size, checking it (a step not recorded, no
     * clipping): if anything was not finite, the step is recorded as {@link #onGradientCalculation} records one,
     * from the divided gradient (the same bits as the raw gradient scaled: the size is a power of two).
     */
    private void divided(boolean finite) {
        Gradient gradient = inDivision;
        inDivision = null;
        if (gradient == null) return;
        if (finite) for (String key : unslotted(gradient)) finite &= TensorStats.allFinite(gradient.getGradientFor(key), scratch);
        if (finite) return;
        double pre = readGradients(gradient, 1.0);
        firstNonFinite();
        pend(inDivisionLoss, pre, pre, false);
    }

    /**
     * Whether the updater's checked division covers every element of the flat gradient but those outside the
     * slots (checked here), at this probe's minibatch size.
     */
    private boolean divisionCoversTheRest(Gradient gradient) {
        long covered = updater.checkedDivisionCovers(batchSize);
        if (covered < 0) return false;
        for (String key : unslotted(gradient)) covered += gradient.getGradientFor(key).length();
        return covered == gradient.gradient().length();
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (inDivision != null) // never seen: the probe leaves the check to the division only where DL4J divides (divisionCoversTheRest)
            throw new IllegalStateException("step " + step + ": the updater did not divide the gradient by the minibatch size, "
                    + "so its non-finite check did not run; rerun with -D" + FlatGradientUpdater.CHECKED_DIVISION_PROPERTY + "=false");
        boolean next = paramsStableBetweenSteps && schedule.get(step + 1);
        nextParamL2Ready = next;
        boolean fused = normed != null && normed.delivered(); // the step took both norms
        if (next && !pending)
            for (int i = 0; i < slots.length; i++)
                nextParamL2[i] = fused ? normed.paramL2(i) : TensorStats.l2(model.getParam(slots[i].key()), scratch);
        if (pending) {
            Gradient update = model.gradient(); // now holds the update the optimizer applied
            for (int i = 0; i < slots.length; i++) {
                ParamSlot slot = slots[i];
                double upd;
                if (fused) {
                    upd = normed.updateL2(i);
                    nextParamL2[i] = normed.paramL2(i);
                } else if (next) {
                    TensorStats.l2(update.getGradientFor(slot.key()), model.getParam(slot.key()), scratch, scratch2, pair);
                    upd = pair[0];
                    nextParamL2[i] = pair[1];
                } else upd = TensorStats.l2(update.getGradientFor(slot.key()), scratch);
                ActivationStats a = slot.kind() == ParamSlot.Kind.HIDDEN && slot.layer() < acts.length ? acts[slot.layer()] : null;
                TensorStats g = grads[i];
                double p = paramL2[i];
                double[] v = row; // a LayerStat's doubles, in its order (a record here would box five of them)
                v[0] = pendingLoss;
                v[1] = g.l2();
                v[2] = g.meanAbs();
                v[3] = g.maxAbs();
                v[4] = g.std();
                v[5] = g.zeroFraction();
                v[6] = p;
                v[7] = upd;
                v[8] = p > 0 ? upd / p : 0;
                int nulls = p > 0 ? 0 : LayerStats.NULL_UPDATE_RATIO;
                if (a == null) nulls |= LayerStats.NULL_ACTIVATIONS;
                else {
                    v[9] = a.mean();
                    v[10] = a.std();
                    if (a.saturated() == null) nulls |= LayerStats.NULL_ACT_SATURATED;
                    else v[11] = a.saturated();
                    if (a.dead() == null) nulls |= LayerStats.NULL_ACT_DEAD;
                    else v[12] = a.dead();
                }
                v[13] = pendingPre;
                v[14] = pendingPost;
                stats.add(step, slot.layer(), slot.kind().key(), slot.param(), v, g.n(), g.nonFinite(), nulls, pendingClipped);
            }
            pending = false;
        }
        Arrays.fill(acts, null);
        clearEarly();
        step++;
    }

    /** Forgets the gradients read in their layers (and their statistics) before the next back-propagation. */
    private void clearEarly() {
        Arrays.fill(grads, null);
        Arrays.fill(early, false);
        anyEarly = earlyNonFinite = false;
    }

    /**
     * Whether every element of this step's gradient is finite: those read in their layers were, and the
     * rest are; without such layers, one pass over the flat gradient.
     */
    private boolean finite(Gradient gradient) {
        if (!anyEarly) return TensorStats.allFinite(gradient.gradient(), scratch);
        if (earlyNonFinite) return false;
        for (int i = 0; i < slots.length; i++)
            if (!early[i] && !TensorStats.allFinite(gradient.getGradientFor(slots[i].key()), scratch)) return false;
        for (String key : unslotted(gradient)) if (!TensorStats.allFinite(gradient.getGradientFor(key), scratch)) return false;
        return true;
    }

    /** Whether any layer of {@code net} has parameter constraints (applied after the listeners' iterationDone). */
    private static boolean hasConstraints(org.deeplearning4j.nn.graph.ComputationGraph net) {
        for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
            List<?> c = l.getConfig() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b ? b.getConstraints() : null;
            if (c != null && !c.isEmpty()) return true;
        }
        return false;
    }

    /** The gradient's variables that no slot records (batch norm's running mean and variance), found at the first step. */
    private List<String> unslotted(Gradient gradient) {
        if (unslotted == null) {
            Set<String> recorded = new HashSet<>();
            for (ParamSlot slot : slots) recorded.add(slot.key());
            unslotted = new ArrayList<>();
            for (String key : gradient.gradientForVariable().keySet()) if (!recorded.contains(key)) unslotted.add(key);
        }
        return unslotted;
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
    public LayerStats stats() { return stats.build(); }
}
