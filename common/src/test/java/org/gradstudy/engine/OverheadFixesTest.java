package org.gradstudy.engine;

import org.gradstudy.result.TrialResult;
import org.gradstudy.result.TrialStatus;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Clipping;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Init;
import org.gradstudy.study.Normalization;
import org.gradstudy.study.Optimizer;
import org.gradstudy.study.Precision;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's ND4J/DL4J overhead fixes change no result: {@link ShapeInfoCache}, {@link ReusingExecutioner},
 * {@link FlatGradientUpdater}, {@link KeptPreOutputDense}, {@link NormedStep}.
 */
class OverheadFixesTest {
    static final Training DOUBLE = Training.synthetic(25, 16, DatasetKind.SPIRALS, 256, 3, 8, 0.25, Precision.DOUBLE);
    static final Training FLOAT = Training.synthetic(25, 16, DatasetKind.SPIRALS, 256, 3, 8, 0.25, Precision.FLOAT);

    /** Every kind of layer and update the engine builds: dense, batch norm, residual vertices, PReLU, each optimizer and clipping. */
    static List<TrialConfig> techniques() {
        ProbeSettings every = new ProbeSettings(1);
        List<TrialConfig> out = new ArrayList<>();
        out.add(Trials.of(Activation.RELU, Init.HE_NORMAL, 3, 12, 0.1, DOUBLE, every, 1));
        out.add(Trials.of(Activation.TANH, Init.XAVIER_NORMAL, 3, 12, 0.1, DOUBLE, every, 2).with(Axis.NORMALIZATION, Normalization.BATCHNORM_BEFORE));
        out.add(Trials.of(Activation.SELU, Init.LECUN_NORMAL, 4, 12, 0.05, DOUBLE, every, 3).with(Axis.RESIDUAL_EVERY, 2)
                .with(Axis.OPTIMIZER, Optimizer.ADAM).with(Axis.CLIPPING, Clipping.GLOBAL_L2).with(Axis.CLIP_THRESHOLD, 0.5));
        out.add(Trials.of(Activation.PRELU, Init.HE_UNIFORM, 3, 12, 0.05, DOUBLE, every, 4).with(Axis.OPTIMIZER, Optimizer.MOMENTUM)
                .with(Axis.CLIPPING, Clipping.LAYER_L2).with(Axis.CLIP_THRESHOLD, 0.1).with(Axis.L2, 1e-3));
        out.add(Trials.of(Activation.SIGMOID, Init.XAVIER_UNIFORM, 3, 12, 0.5, FLOAT, every, 5).with(Axis.NORMALIZATION, Normalization.BATCHNORM_AFTER)
                .with(Axis.CLIPPING, Clipping.VALUE).with(Axis.CLIP_THRESHOLD, 0.01));
        // Diverges: the non-finite path (the whole-gradient check and the recorded divergence step).
        out.add(Trials.of(Activation.IDENTITY, Init.LARGE_NORMAL, 8, 12, 1.0, DOUBLE, new ProbeSettings(1000), 6));
        return out;
    }

    @Test
    void resultsAreBitForBitTheSameWithAndWithoutTheCache() throws Exception {
        ShapeInfoCache.install();
        ShapeInfoCache cache = ShapeInfoCache.installed();
        assertNotNull(cache, "the engine installs the cache unless -Dgradstudy.shapeCache=false");
        long hits = cache.hits();
        List<TrialResult> cached = run();
        assertTrue(cache.hits() - hits > 1000, "repeated shapes are served from the cache: " + (cache.hits() - hits) + " hits");
        assertTrue(cache.size() < 500, "a few hundred distinct descriptors at most for these networks: " + cache.size());

        List<TrialResult> plain;
        ShapeInfoCache.uninstall();
        try {
            assertNull(ShapeInfoCache.installed());
            plain = run();
        } finally {
            ShapeInfoCache.install();
        }
        assertSameResults(plain, cached);
    }

    @Test
    void resultsAreBitForBitTheSameWithAndWithoutTheReusingExecutioner() throws Exception {
        ReusingExecutioner.install();
        ReusingExecutioner reusing = ReusingExecutioner.installed();
        assertNotNull(reusing, "the engine installs it unless -Dgradstudy.opContextReuse=false and -Dgradstudy.tadCache=false");
        long reuses = reusing.reuses(), tadHits = reusing.tadHits();
        List<TrialResult> reused = run();
        // 6 trials of 25 steps with 3-8 layers: several custom ops and three ops along a dimension per layer and step.
        assertTrue(reusing.reuses() - reuses > 1000, "custom ops ran in the thread's reused context: " + (reusing.reuses() - reuses));
        assertTrue(reusing.tadHits() - tadHits > 1000, "TAD packs served from the cache: " + (reusing.tadHits() - tadHits));
        assertTrue(reusing.tadsCached() < 200, "a few dozen distinct (shape, dimensions) pairs for these networks: " + reusing.tadsCached());

        List<TrialResult> plain;
        ReusingExecutioner.uninstall();
        try {
            assertNull(ReusingExecutioner.installed());
            plain = run();
        } finally {
            ReusingExecutioner.install();
        }
        assertSameResults(plain, reused);
    }

    @Test
    void aReusedContextStartsEachOpWithNoneOfThePreviousOpsArguments() {
        ReusingExecutioner.Reused c = new ReusingExecutioner.Reused();
        c.setIArguments(1, 2);
        c.setTArguments(0.5);
        c.setBArguments(true);
        c.setDArguments(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        c.setInputArray(0, org.nd4j.linalg.factory.Nd4j.zeros(2));
        c.shapeFunctionOverride(true);
        c.close();
        c.setIArguments();
        c.setTArguments();
        c.setBArguments();
        c.setDArguments();
        assertEquals(0, c.numIArguments());
        assertEquals(0, c.numTArguments());
        assertEquals(0, c.numBArguments());
        assertEquals(0, c.numDArguments());
        assertEquals(0, c.numInputArguments());
        // The argument buffers grow past their first size, and a shorter list replaces a longer one.
        long[] many = java.util.stream.LongStream.range(0, 20).toArray();
        c.setIArguments(many);
        c.setTArguments(new double[20]);
        assertEquals(java.util.Arrays.stream(many).boxed().toList(), c.getIArguments());
        assertEquals(20, c.numTArguments());
        c.setIArguments(7);
        c.setTArguments(0.25);
        assertEquals(List.of(7L), c.getIArguments());
        assertEquals(List.of(0.25), c.getTArguments());
    }

    @Test
    void resultsAreBitForBitTheSameWithDl4jsPlainUpdater() {
        List<TrialResult> flat = run();
        List<TrialResult> plain = switchedOff(FlatGradientUpdater.PROPERTY,
                net -> assertTrue(!(net.getUpdater() instanceof FlatGradientUpdater)));
        assertInstanceOf(FlatGradientUpdater.class, NetworkFactory.build(techniques().get(0)).net().getUpdater());
        assertSameResults(plain, flat);
    }

    /** Also: the probe reads the dense layers' gradients as their back-propagation writes them, or after it. */
    @Test
    void resultsAreBitForBitTheSameWhenDenseLayersRecomputeTheirPreOutput() {
        List<TrialResult> kept = run();
        List<TrialResult> plain = switchedOff(KeptPreOutputDense.PROPERTY,
                net -> assertTrue(!(net.getLayer("h1") instanceof KeptPreOutputDense.Impl)));
        assertSameResults(plain, kept);
    }

    /**
     * The step that takes the update and parameter norms as it applies the update: the same parameters and the
     * same records as DL4J's subtraction followed by the probe's own reading. Beyond {@link #techniques} (all
     * tensors under OpenBLAS's threshold): width 40 (W has 1600 elements, so the norms go through OpenBLAS) in
     * both precisions, with a schedule of every third step, whose unrecorded steps before a recorded one want
     * the parameter norms alone.
     */
    @Test
    void resultsAreBitForBitTheSameWithDl4jsPlainStep() {
        List<TrialConfig> wide = List.of(
                Trials.of(Activation.RELU, Init.HE_NORMAL, 3, 40, 0.1, DOUBLE, new ProbeSettings(3), 7),
                Trials.of(Activation.TANH, Init.XAVIER_NORMAL, 3, 40, 0.1, FLOAT, new ProbeSettings(3), 8)
                        .with(Axis.NORMALIZATION, Normalization.BATCHNORM_BEFORE).with(Axis.OPTIMIZER, Optimizer.ADAM));
        Trainer probed = new Trainer(wide.get(0), null, true);
        try {
            for (int i = 0; i < 7; i++) probed.step();
            // Steps 0, 3 and 6 are recorded; 2 and 5 precede one: five of seven steps take the norms.
            assertEquals(5, probed.probe.normedSteps(), "the steps that want norms take them in the step");
            Trainer normalized = new Trainer(wide.get(1), null, true); // batch norm's own parameters are in the flat arrays too
            normalized.step();
            assertEquals(1, normalized.probe.normedSteps(), "float, batch norm, Adam: laid out");
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
        List<TrialResult> normed = new ArrayList<>(run());
        wide.forEach(t -> normed.add(TrialRunner.run(t)));
        List<TrialResult> plain = new ArrayList<>(switchedOff(NormedStep.PROPERTY, net -> { }));
        System.setProperty(NormedStep.PROPERTY, "false");
        try {
            Trainer off = new Trainer(wide.get(0), null, true);
            off.step();
            assertEquals(0, off.probe.normedSteps(), "switched off: DL4J's step");
            wide.forEach(t -> plain.add(TrialRunner.run(t)));
        } finally {
            System.clearProperty(NormedStep.PROPERTY);
            Trainer.releaseThreadWorkspaces();
        }
        assertSameResults(plain.subList(0, techniques().size()), normed.subList(0, techniques().size()));
        for (int i = techniques().size(); i < plain.size(); i++) {
            assertEquals(TrialStatus.OK, normed.get(i).status());
            assertEquals(plain.get(i).trainLoss(), normed.get(i).trainLoss());
            assertEquals(plain.get(i).layerStats(), normed.get(i).layerStats());
        }
    }

    /** The trials run with {@code -Dproperty=false}, after {@code check} on a network built that way. */
    private static List<TrialResult> switchedOff(String property, java.util.function.Consumer<org.deeplearning4j.nn.graph.ComputationGraph> check) {
        System.setProperty(property, "false");
        try {
            check.accept(NetworkFactory.build(techniques().get(0)).net());
            return run();
        } finally {
            System.clearProperty(property);
        }
    }

    /**
     * A step that is not recorded, when the probe checks it itself (with the updater's division switched off; with
     * clipping, or a minibatch that is not a power of two), checks its gradient for non-finite values in one pass when
     * the gradient is smaller than {@link GradientProbe#IN_LAYER_CHECK_BYTES}, else in the dense layers: the same results
     * either way (every technique, recorded on every fourth step, and the diverging trial's first non-finite step and layer).
     */
    @Test
    void unrecordedStepsFindTheSameNonFiniteStepInOnePassAsInTheLayers() {
        List<TrialConfig> sampled = sampledTechniques();
        // Steps 0 and 5 of 7 recorded: the small network checks its other five in one pass, the 1.3 MB one (W 400 x 400 doubles) in the layers.
        TrialConfig small = Trials.of(Activation.RELU, Init.HE_NORMAL, 3, 12, 0.1, DOUBLE, new ProbeSettings(5), 1);
        TrialConfig large = Trials.of(Activation.RELU, Init.HE_NORMAL, 2, 400, 0.1, DOUBLE, new ProbeSettings(5), 1);
        assertEquals(2 * 2 * 2, readInLayers(large), "recorded steps only: the updater's division checks the others");
        List<TrialResult> onePass, inLayers;
        System.setProperty(FlatGradientUpdater.CHECKED_DIVISION_PROPERTY, "false"); // the probe checks
        try {
            assertEquals(2 * 3 * 2, readInLayers(small), "recorded steps only");
            assertEquals(7 * 2 * 2, readInLayers(large), "every step");
            onePass = sampled.stream().map(TrialRunner::run).toList();
            System.setProperty(GradientProbe.IN_LAYER_CHECK_PROPERTY, "0");
            assertEquals(7 * 3 * 2, readInLayers(small), "every step, at -D" + GradientProbe.IN_LAYER_CHECK_PROPERTY + "=0");
            inLayers = sampled.stream().map(TrialRunner::run).toList();
        } finally {
            System.clearProperty(GradientProbe.IN_LAYER_CHECK_PROPERTY);
            System.clearProperty(FlatGradientUpdater.CHECKED_DIVISION_PROPERTY);
        }
        assertSameResults(inLayers, onePass);
        assertEquals(onePass.get(onePass.size() - 1).firstNonfiniteLayer(), inLayers.get(inLayers.size() - 1).firstNonfiniteLayer());
    }

    /**
     * A step that is not recorded, without clipping and with a power-of-two minibatch, leaves its non-finite check to
     * the updater's division by the minibatch size: the same results as the probe's own check (every technique recorded
     * on every fourth step, and the diverging trial's first non-finite step, layer and recorded row).
     */
    @Test
    void unrecordedStepsFindTheSameNonFiniteStepInTheUpdatersDivision() {
        List<TrialConfig> sampled = sampledTechniques();
        List<TrialResult> checked = sampled.stream().map(TrialRunner::run).toList(), own;
        System.setProperty(FlatGradientUpdater.CHECKED_DIVISION_PROPERTY, "false");
        try {
            own = sampled.stream().map(TrialRunner::run).toList();
        } finally {
            System.clearProperty(FlatGradientUpdater.CHECKED_DIVISION_PROPERTY);
        }
        assertSameResults(own, checked);
        TrialResult diverged = checked.get(checked.size() - 1);
        assertEquals(own.get(own.size() - 1).firstNonfiniteLayer(), diverged.firstNonfiniteLayer());
        TrialConfig t = sampled.get(sampled.size() - 1);
        assertFalse(t.probe().records(diverged.firstNonfiniteStep(), t.training().steps()), "diverged at a step the schedule does not record");
    }

    /** Multiplying by a power of two's reciprocal gives ND4J's division's bits, and finds any non-finite element. */
    @Test
    void checkedDivisionIsNd4jsDivisionAndFindsNonFiniteElements() {
        double[] values = {1.0, -3.7e-300, 4.9e-324, 1e308, -0.0, 0.1, 123456.789, Double.MIN_NORMAL, 7, 2.5e-310};
        for (int batch : new int[] {1, 2, 64, 1024}) {
            INDArray d = org.nd4j.linalg.factory.Nd4j.createFromArray(values), want = d.dup().divi(batch);
            assertTrue(FlatGradientUpdater.scaleDoubles(TensorStats.firstElement(d), d.length(), 1.0 / batch));
            assertArrayEquals(want.toDoubleVector(), d.toDoubleVector(), 0.0, "batch " + batch);
            INDArray f = org.nd4j.linalg.factory.Nd4j.createFromArray(new float[] {1f, -3.7e-38f, 1.4e-45f, 3e38f, -0f, 0.1f, 7f}), wantF = f.dup().divi(batch);
            assertTrue(FlatGradientUpdater.scaleFloats(TensorStats.firstElement(f), f.length(), 1f / batch));
            assertArrayEquals(wantF.toFloatVector(), f.toFloatVector(), 0f, "batch " + batch);
        }
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
            for (int at : new int[] {0, 5, 9}) { // in the unrolled part and in the tail
                double[] v = values.clone();
                v[at] = bad;
                INDArray d = org.nd4j.linalg.factory.Nd4j.createFromArray(v);
                assertFalse(FlatGradientUpdater.scaleDoubles(TensorStats.firstElement(d), d.length(), 1.0 / 64), bad + " at " + at);
                INDArray f = org.nd4j.linalg.factory.Nd4j.createFromArray(new float[] {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f});
                f.putScalar(at, (float) bad);
                assertFalse(FlatGradientUpdater.scaleFloats(TensorStats.firstElement(f), f.length(), 1f / 64), bad + " at " + at + " (float)");
            }
    }

    /**
     * The updater's division reports whether the gradient was finite to a probe that asks, by its own pass (a
     * power-of-two minibatch) or after ND4J's division (any other: not expected, the probe then checks itself),
     * and divides as ND4J does either way.
     */
    @Test
    void theUpdatersDivisionReportsNonFiniteGradientsAtAnyMinibatchSize() {
        Trainer trainer = new Trainer(techniques().get(0), null, false);
        try {
            trainer.step();
            FlatGradientUpdater updater = (FlatGradientUpdater) trainer.net.getUpdater();
            INDArray flat = updater.getFlattenedGradientsView();
            List<Boolean> reports = new ArrayList<>();
            updater.division(new FlatGradientUpdater.Division() {
                @Override public boolean wanted() { return true; }

                @Override public void divided(boolean finite) { reports.add(finite); }
            });
            for (int batch : new int[] {16, 12}) {
                for (boolean bad : new boolean[] {false, true}) {
                    flat.assign(1.5);
                    if (bad) flat.putScalar(flat.length() - 1, Double.POSITIVE_INFINITY);
                    INDArray want = flat.dup().divi(batch);
                    updater.divideByMinibatch(false, trainer.net.gradient(), batch);
                    assertEquals(!bad, reports.get(reports.size() - 1), "batch " + batch + (bad ? ", an infinity" : ""));
                    assertArrayEquals(want.toDoubleVector(), flat.toDoubleVector(), 0.0, "batch " + batch);
                }
            }
            assertEquals(4, reports.size());
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
    }

    /** {@link #techniques()}, those recorded every step recorded on every fourth step instead. */
    private static List<TrialConfig> sampledTechniques() {
        List<TrialConfig> sampled = new ArrayList<>();
        for (TrialConfig t : techniques())
            sampled.add(t.probe().every() == 1 ? new TrialConfig(t.study(), t.studySeed(), t.replicate(), t.seed(), t.point(), t.training(),
                    new ProbeSettings(4)) : t);
        return sampled;
    }

    /** Hidden-layer gradients read in their layers over 7 steps of {@code t}. */
    private static long readInLayers(TrialConfig t) {
        Trainer trainer = new Trainer(t, null, true);
        try {
            for (int i = 0; i < 7; i++) trainer.step();
            return trainer.probe.readInLayers();
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
    }

    @Test
    void everyHiddenLayersBackPropagationUsesTheKeptPreOutput() {
        TrialConfig t = techniques().get(1); // batch norm between the dense layer and its activation
        Trainer trainer = new Trainer(t, null, true);
        try {
            for (int i = 0; i < 7; i++) trainer.step();
            for (int l = 1; l <= t.depth(); l++) {
                var layer = trainer.net.getLayer("h" + l);
                assertInstanceOf(KeptPreOutputDense.Impl.class, layer);
                assertEquals(7, ((KeptPreOutputDense.Impl) layer).reused(), "layer h" + l + ": one reuse per step");
            }
            assertEquals(7 * t.depth() * 2, trainer.probe.readInLayers(), "each step, each hidden layer's W and b read in the layer");
            // Inference keeps nothing, and the next step still reuses.
            trainer.net.outputSingle(false, trainer.data.testX());
            trainer.step();
            assertEquals(8, ((KeptPreOutputDense.Impl) trainer.net.getLayer("h1")).reused());
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
    }

    /**
     * The dense layers build their bias add, bias gradient sum, ReLU (forward and backward) and copies once and run them
     * again each step, and keep the matrix product's buffer, the copy of z and ReLU's dL/dz from step to step: six native
     * arrays fewer per ReLU layer and step (two dimension arrays, the scalar 0, three buffers), four per tanh layer, counted by ND4J's own
     * deallocator registrations. Results: {@link #resultsAreBitForBitTheSameWithNd4jsOwnOps}.
     */
    @Test
    void denseLayersReuseTheirArgumentOpsStepAfterStep() throws Exception {
        for (Activation a : List.of(Activation.RELU, Activation.TANH)) {
            TrialConfig t = Trials.of(a, Init.HE_NORMAL, 3, 12, 0.1, DOUBLE, new ProbeSettings(1), 1);
            long lean = registrationsPerStep(t), plain;
            System.setProperty(KeptPreOutputDense.LEAN_PROPERTY, "false");
            try {
                plain = registrationsPerStep(t);
            } finally {
                System.clearProperty(KeptPreOutputDense.LEAN_PROPERTY);
            }
            assertEquals((a == Activation.RELU ? 6 : 4) * t.depth(), plain - lean, a + ": native arrays saved per step");
            Trainer trainer = new Trainer(t, null, true);
            try {
                for (int i = 0; i < 5; i++) trainer.step();
                trainer.net.outputSingle(false, trainer.data.testX()); // another batch size: new ops for it
                trainer.step();
                // The forward pass: the product's buffer and copy, the bias add (and ReLU); training adds the kept
                // copy's buffer and op and the bias gradient's sum (and ReLU's backward op and its buffer).
                long forward = a == Activation.RELU ? 4 : 3, backward = a == Activation.RELU ? 5 : 3;
                for (int l = 1; l <= t.depth(); l++)
                    assertEquals(forward + backward + forward + forward, ((KeptPreOutputDense.Impl) trainer.net.getLayer("h" + l)).leanOpsBuilt(),
                            a + " h" + l + ": built for the training batch, for the test set's (forward only), and the forward ones again");
            } finally {
                Trainer.releaseThreadWorkspaces();
            }
        }
    }

    /** ND4J's deallocator registrations (one per native array) in the fourth step of a new trainer for {@code t}. */
    private static long registrationsPerStep(TrialConfig t) throws Exception {
        var service = org.nd4j.linalg.factory.Nd4j.getDeallocatorService();
        var counter = service.getClass().getDeclaredField("counter");
        counter.setAccessible(true);
        var count = (java.util.concurrent.atomic.AtomicLong) counter.get(service);
        Trainer trainer = new Trainer(t, null, true);
        try {
            for (int i = 0; i < 3; i++) trainer.step();
            long before = count.get();
            trainer.step();
            return count.get() - before;
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
    }

    @Test
    void resultsAreBitForBitTheSameWithNd4jsOwnOps() {
        List<TrialResult> lean = run();
        List<TrialResult> plain = switchedOff(KeptPreOutputDense.LEAN_PROPERTY, net -> { });
        assertSameResults(plain, lean);
    }

    /** The activations are read as the dense layers compute them, on recorded steps; separate activation layers are read after the pass. */
    @Test
    void recordedStepsReadEachDenseLayersOutputInTheLayer() {
        TrialConfig inside = Trials.of(Activation.RELU, Init.HE_NORMAL, 3, 12, 0.1, DOUBLE, new ProbeSettings(2), 1);
        Trainer trainer = new Trainer(inside, null, true);
        Trainer separate = new Trainer(techniques().get(1), null, true); // batch norm before a separate activation layer
        try {
            for (int i = 0; i < 7; i++) {
                trainer.step();
                separate.step();
            }
            assertEquals(4 * 3, trainer.probe.activationsInLayers(), "steps 0, 2, 4, 6 recorded, three hidden layers each");
            assertEquals(0, separate.probe.activationsInLayers(), "the activation is another vertex's output");
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
    }

    @Test
    void theNetworksOwnGradientIsRecognizedAndOthersAreNot() {
        var net = NetworkFactory.build(techniques().get(0)).net();
        INDArray view = net.getFlattenedGradients();
        assertTrue(FlatGradientUpdater.sameElements(view.reshape(view.length()), view), "DL4J's reshaped gradient: the same memory");
        assertTrue(!FlatGradientUpdater.sameElements(view.dup(), view), "a copy is another gradient (DL4J's external path)");
        assertTrue(!FlatGradientUpdater.sameElements(view.get(NDArrayIndex.point(0), NDArrayIndex.interval(1, view.length())), view),
                "an offset view is not the whole gradient");
    }

    private static List<TrialResult> run() { return techniques().stream().map(TrialRunner::run).toList(); }

    private static void assertSameResults(List<TrialResult> plain, List<TrialResult> other) {
        assertEquals(TrialStatus.DIVERGED, plain.get(plain.size() - 1).status(), "the last config exercises divergence");
        for (int i = 0; i < plain.size(); i++) {
            TrialResult a = plain.get(i), b = other.get(i);
            String what = a.config().point().toString();
            assertNull(a.error(), what);
            assertEquals(a.status(), b.status(), what);
            assertEquals(a.firstNonfiniteStep(), b.firstNonfiniteStep(), what);
            assertEquals(a.stepsRun(), b.stepsRun(), what);
            assertEquals(a.trainLoss(), b.trainLoss(), what);
            assertEquals(a.testAccuracy(), b.testAccuracy(), what);
            // Exact: every statistic of every layer at every step (record equality compares doubles by bits).
            assertEquals(a.layerStats(), b.layerStats(), what);
        }
    }

    @Test
    void installIsIdempotentAndWrapsTheBackendsProvider() {
        ShapeInfoCache.install();
        ShapeInfoCache first = ShapeInfoCache.installed();
        ShapeInfoCache.install();
        assertTrue(first == ShapeInfoCache.installed(), "installed once");
        assertInstanceOf(ShapeInfoCache.class, org.nd4j.linalg.factory.Nd4j.getShapeInfoProvider());
    }
}
