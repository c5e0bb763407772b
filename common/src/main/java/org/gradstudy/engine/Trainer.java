package org.gradstudy.engine;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.gradstudy.data.DataSplit;
import org.gradstudy.data.Datasets;
import org.gradstudy.data.UserData;
import org.gradstudy.study.TrialConfig;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspaceManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One trial's training state: its data, network, minibatch order and (optionally) the probe, advanced
 * one minibatch step at a time. {@link TrialRunner} runs a whole trial with it; the step benchmark times
 * the very same {@link #step()} with and without the probe attached.
 */
final class Trainer {
    static {
        ShapeInfoCache.install();
        ReusingExecutioner.install();
    }

    final TrialConfig trial;
    final DataSplit data;
    final ProbedNetwork built;
    final ComputationGraph net;
    /** Null when the trial trains without a probe (benchmark baseline only: no statistics, no global clipping). */
    final GradientProbe probe;
    /** The probe attached now: {@link #probe} unless the step benchmark switched ({@link #attach}). */
    private GradientProbe attached;
    private final Minibatches batches;
    private final int batch;
    private final int[] rows;
    /** The minibatch, filled in place every step (allocated once, outside any workspace). */
    private final RowGather x, y;
    private final INDArray[] in = new INDArray[1], out = new INDArray[1];

    Trainer(TrialConfig trial, UserData user, boolean probed) {
        this.trial = trial;
        this.data = Datasets.generate(trial.training(), trial.input(), trial.seed(), user);
        this.built = NetworkFactory.build(trial);
        this.net = built.net();
        this.probe = probed ? new GradientProbe(built, trial) : null;
        this.attached = probe; // attached by its constructor
        this.batch = trial.training().batchSize();
        this.batches = new Minibatches(data.trainSize(), batch, trial.seed());
        this.rows = new int[batch];
        this.x = new RowGather(data.trainX(), batch);
        this.y = new RowGather(data.trainY(), batch);
    }

    /** Trains one minibatch step. */
    void step() {
        batches.next(rows);
        if (attached != null) attached.batchSize(batch);
        in[0] = x.gather(rows);
        out[0] = y.gather(rows);
        net.fit(in, out);
    }

    /**
     * Trains the next steps with {@code p} attached instead (a probe built on this trainer's network), or
     * with none: the step benchmark's modes on one network.
     */
    void attach(GradientProbe p) {
        if (p != null) p.attach();
        else { // no listener, no receiver in the dense layers, DL4J's plain step
            net.setListeners();
            for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) if (l instanceof KeptPreOutputDense.Impl dense) dense.sink(null);
            NormedStep.use(net, null);
            if (net.getUpdater() instanceof FlatGradientUpdater f) f.division(null);
        }
        attached = p;
    }

    /**
     * Frees the calling thread's ND4J workspaces, which outlive a network (Spark reuses executor threads
     * across tasks). Each is destroyed on its own: ND4J's {@code destroyAllWorkspacesForCurrentThread} also
     * calls {@code System.gc()}, a full collection after every trial that stopped both task threads for
     * about a quarter of a local[2] study's wall time.
     */
    static void releaseThreadWorkspaces() {
        MemoryWorkspaceManager workspaces = Nd4j.getWorkspaceManager();
        for (MemoryWorkspace ws : workspaces.getAllWorkspacesForCurrentThread()) workspaces.destroyWorkspace(ws);
    }
}
