package org.gradstudy.study;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * One trial: a point of the study's grid, a replicate index, and the settings it trains with.
 * Its {@link #trialId()} is a hash of {@link #canonical()}: everything that determines what the trial
 * computes and records, so the id is stable across runs and machines.
 */
public record TrialConfig(String study, long studySeed, int replicate, long seed,
                          Activation activation, Init init, int depth, int width,
                          double learningRate, Optimizer optimizer,
                          Training training, ProbeSettings probe) implements Serializable {
    public TrialConfig {
        Objects.requireNonNull(study);
        Objects.requireNonNull(activation);
        Objects.requireNonNull(init);
        Objects.requireNonNull(optimizer);
        Objects.requireNonNull(training);
        Objects.requireNonNull(probe);
        if (depth < 1 || width < 1) throw new IllegalArgumentException("depth and width must be >= 1");
        if (!(learningRate > 0) || !Double.isFinite(learningRate))
            throw new IllegalArgumentException("learning rate must be a positive number: " + learningRate);
    }

    /** Builds the trial of a study at one grid point (one value per axis) and replicate. */
    public static TrialConfig of(Study study, Map<Axis, Object> point, int replicate) {
        return new TrialConfig(study.name(), study.seed(), replicate, seedFor(study.seed(), replicate),
                (Activation) point.get(Axis.ACTIVATION), (Init) point.get(Axis.INIT),
                (Integer) point.get(Axis.DEPTH), (Integer) point.get(Axis.WIDTH),
                (Double) point.get(Axis.LEARNING_RATE), (Optimizer) point.get(Axis.OPTIMIZER),
                study.training(), study.probe());
    }

    /** This trial's value of an axis. */
    public Object value(Axis axis) {
        return switch (axis) {
            case ACTIVATION -> activation;
            case INIT -> init;
            case DEPTH -> depth;
            case WIDTH -> width;
            case LEARNING_RATE -> learningRate;
            case OPTIMIZER -> optimizer;
        };
    }

    /**
     * The trial's seed depends on the study seed and the replicate only, not on the axis values: trials
     * that differ in one technique share their data and random streams (common random numbers), so
     * paired comparisons between them measure the technique, not the draw.
     */
    public static long seedFor(long studySeed, int replicate) {
        return mix(studySeed * 0x9E3779B97F4A7C15L + replicate + 1) & Long.MAX_VALUE;
    }

    /** The canonical text of the trial: axis values in canonical order, replicate, seeds, settings. */
    public String canonical() {
        StringBuilder sb = new StringBuilder("v1");
        for (Axis axis : Axis.ordered()) sb.append('|').append(axis.key()).append('=').append(axis.format(value(axis)));
        Training t = training;
        sb.append("|replicate=").append(replicate).append("|study-seed=").append(studySeed)
          .append("|steps=").append(t.steps()).append("|batch-size=").append(t.batchSize())
          .append("|dataset=").append(t.dataset().key()).append("|samples=").append(t.samples())
          .append("|classes=").append(t.classes()).append("|input-dim=").append(t.inputs())
          .append("|test-fraction=").append(t.testFraction()).append("|precision=").append(t.precision().key())
          .append("|probe-every=").append(probe.every());
        return sb.toString();
    }

    /** Stable id: the first 16 hex digits of the SHA-256 of {@link #canonical()}. */
    public String trialId() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Relative cost of the trial (multiply-adds per step times steps), for scheduling longest first. */
    public double cost() {
        double perStep = (double) training.inputs() * width + (double) (depth - 1) * width * width
                + (double) width * training.classes();
        return perStep * training.batchSize() * training.steps();
    }

    private static long mix(long z) { // SplitMix64 finalizer
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
