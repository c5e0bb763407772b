package org.gradstudy.engine;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.gradstudy.data.DataSplit;
import org.gradstudy.data.Datasets;
import org.gradstudy.data.UserData;
import org.gradstudy.study.TrialConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes what anyone needs to recompute a trial's step-0 gradients with another framework, as NumPy
 * {@code .npy} files (float64): {@code x.npy} and {@code y.npy} (the first minibatch, one-hot labels),
 * {@code params/<key>.npy} (initial parameters; dense weights are [fan_in, fan_out], the layer computes
 * x W + b) and {@code grads/<key>.npy} (the gradient of the minibatch MEAN cross-entropy at step 0, raw),
 * plus {@code trial.txt} with the canonical config.
 */
public final class TrialExport {
    private TrialExport() {}

    /** Exports {@code trial} into {@code dir} (created if needed); returns the parameter keys written. */
    public static Map<String, INDArray> write(TrialConfig trial, UserData user, Path dir) {
        try {
            Files.createDirectories(dir.resolve("params"));
            Files.createDirectories(dir.resolve("grads"));
            DataSplit data = Datasets.generate(trial.training(), trial.input(), trial.seed(), user);
            ProbedNetwork built = NetworkFactory.build(trial);
            ComputationGraph net = built.net();
            int[] rows = new Minibatches(data.trainSize(), trial.training().batchSize(), trial.seed()).next();
            INDArray x = data.trainX().getRows(rows), y = data.trainY().getRows(rows);
            npy(x, dir.resolve("x.npy"));
            npy(y, dir.resolve("y.npy"));
            for (ParamSlot s : built.slots()) npy(net.getParam(s.key()), dir.resolve("params/" + s.key() + ".npy"));
            Map<String, INDArray> grads = new LinkedHashMap<>();
            int batch = rows.length;
            net.setListeners(new BaseTrainingListener() {
                @Override public void onGradientCalculation(Model model) {
                    for (ParamSlot s : built.slots())
                        grads.put(s.key(), model.gradient().getGradientFor(s.key()).castTo(DataType.DOUBLE).dup().divi(batch));
                }
            });
            net.fit(new INDArray[] {x}, new INDArray[] {y});
            for (Map.Entry<String, INDArray> g : grads.entrySet()) npy(g.getValue(), dir.resolve("grads/" + g.getKey() + ".npy"));
            Files.writeString(dir.resolve("trial.txt"), trial.trialId() + "\n" + trial.canonical() + "\n");
            return grads;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the export to " + dir + ": " + e.getMessage(), e);
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
    }

    private static void npy(INDArray a, Path file) throws IOException {
        File f = file.toFile();
        Nd4j.writeAsNumpy(a.castTo(DataType.DOUBLE).dup('c'), f);
    }
}
