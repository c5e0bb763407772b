package org.gradstudy.engine;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.gradstudy.data.DataSplit;
import org.gradstudy.data.UserData;
import org.gradstudy.result.LayerStats;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.TrialStatus;
import org.gradstudy.result.Versions;
import org.gradstudy.study.TrialConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runs one trial from its config alone: generates the data, builds the network, trains it step by
 * step under the probe and evaluates it. Never throws: an exception becomes a {@code failed} result,
 * a non-finite loss or gradient a {@code diverged} one, each with the statistics recorded until then.
 */
public final class TrialRunner {
    private TrialRunner() {}

    /**
     * Runs {@code trial}; {@code executor} and {@code versions} are recorded as given; {@code user} is the
     * loaded data set for {@code dataset = file} (null otherwise).
     */
    public static TrialResult run(TrialConfig trial, String executor, String versions, UserData user) {
        return run(trial, executor, versions, user, 0);
    }

    /**
     * As above, with a time limit: past {@code timeoutMillis} (0 = none) training stops at the next step
     * boundary and the trial is recorded {@code timeout} with the statistics recorded until then.
     */
    public static TrialResult run(TrialConfig trial, String executor, String versions, UserData user, long timeoutMillis) {
        long start = System.nanoTime();
        long deadline = timeoutMillis > 0 ? start + timeoutMillis * 1_000_000 : Long.MAX_VALUE;
        GradientProbe probe = null;
        int stepsRun = 0;
        try {
            Trainer trainer = new Trainer(trial, user, true);
            ComputationGraph net = trainer.net;
            DataSplit data = trainer.data;
            probe = trainer.probe;
            stepsRun = train(trainer, deadline);
            if (stepsRun < 0) {
                int done = -stepsRun;
                return new TrialResult(trial, TrialStatus.TIMEOUT, "timeout: stopped after " + timeoutMillis / 1000.0
                        + " s at step " + done + " of " + trial.training().steps(), probe.firstNonFiniteStep(),
                        probe.firstNonFiniteLayer(), probe.clipRate(), done, null, null, null, null, net.numParams(),
                        millisSince(start), executor, versions, probe.stats());
            }
            TrialStatus status = probe.firstNonFiniteStep() == null ? TrialStatus.OK : TrialStatus.DIVERGED;
            double[] trainEval = evaluate(net, data.trainX(), data.trainY());
            double[] testEval = evaluate(net, data.testX(), data.testY());
            return new TrialResult(trial, status, null, probe.firstNonFiniteStep(), probe.firstNonFiniteLayer(),
                    probe.clipRate(), stepsRun,
                    finite(trainEval[0]), finite(trainEval[1]), finite(testEval[0]), finite(testEval[1]),
                    net.numParams(), millisSince(start), executor, versions, probe.stats());
        } catch (Exception | LinkageError | OutOfMemoryError | StackOverflowError | AssertionError e) {
            String error = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new TrialResult(trial, TrialStatus.FAILED, error, probe == null ? null : probe.firstNonFiniteStep(),
                    probe == null ? null : probe.firstNonFiniteLayer(), probe == null ? 0 : probe.clipRate(),
                    probe == null ? 0 : probe.stepsSeen(), null, null, null, null,
                    NetworkFactory.parameterCount(trial), millisSince(start), executor, versions,
                    probe == null ? LayerStats.of() : probe.stats());
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
    }

    /** Runs one trial outside any engine, recording the local host as the executor. */
    public static TrialResult run(TrialConfig trial) {
        return run(trial, "local", Versions.summary(null), null);
    }

    /**
     * Trains {@code steps} minibatch steps over reshuffled epochs; stops at the first non-finite step.
     * Returns the steps run, negated when the deadline stopped training.
     */
    private static int train(Trainer trainer, long deadline) {
        int steps = trainer.trial.training().steps();
        for (int step = 0; step < steps; step++) {
            if (step > 0 && System.nanoTime() > deadline) return -step;
            trainer.step();
            if (trainer.probe.firstNonFiniteStep() != null) return step + 1;
        }
        return steps;
    }

    /** Mean cross-entropy and accuracy of the network on (x, y), in double. */
    static double[] evaluate(ComputationGraph net, INDArray x, INDArray y) {
        INDArray p = net.outputSingle(false, x).castTo(DataType.DOUBLE);
        INDArray yd = y.castTo(DataType.DOUBLE);
        double pTrueMin = 1e-300; // log(0) would be -inf for a confidently wrong but finite network
        INDArray pTrue = Transforms.max(p.mul(yd).sum(1), pTrueMin, false);
        double loss = -Transforms.log(pTrue, false).meanNumber().doubleValue();
        if (!Double.isFinite(p.sumNumber().doubleValue())) return new double[] {Double.NaN, Double.NaN};
        double acc = p.argMax(1).eq(yd.argMax(1)).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        return new double[] {loss, acc};
    }

    private static Double finite(double v) { return Double.isFinite(v) ? v : null; }

    private static long millisSince(long startNanos) { return roundedMillis(System.nanoTime() - startNanos); }

    /** {@code nanos} in whole milliseconds, rounded: truncating under-counted a 2 ms trial by a fifth on average. */
    static long roundedMillis(long nanos) { return Math.round(nanos / 1e6); }
}
