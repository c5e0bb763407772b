package org.gradstudy.study;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * One trial: a point of the study's grid (a value for every axis, null where the axis does not apply),
 * a replicate index, and the settings it trains with. Its {@link #trialId()} is a hash of
 * {@link #canonical()}: everything that determines what the trial computes and records, so the id is
 * stable across runs and machines.
 */
public record TrialConfig(String study, long studySeed, int replicate, long seed, Map<Axis, Object> point,
                          Training training, ProbeSettings probe) implements Serializable {
    public TrialConfig {
        Objects.requireNonNull(study);
        Objects.requireNonNull(training);
        Objects.requireNonNull(probe);
        EnumMap<Axis, Object> copy = new EnumMap<>(Axis.class);
        for (Axis a : Axis.values()) copy.put(a, point.get(a) == null ? a.defaultValue() : point.get(a));
        for (Axis a : Axis.values()) if (!a.appliesTo(copy)) copy.put(a, null);
        if ((Integer) copy.get(Axis.DEPTH) < 1 || (Integer) copy.get(Axis.WIDTH) < 1)
            throw new IllegalArgumentException("depth and width must be >= 1");
        point = Collections.unmodifiableMap(copy);
    }

    /** Builds the trial of a study at one grid point and replicate. */
    public static TrialConfig of(Study study, Map<Axis, Object> point, int replicate) {
        return new TrialConfig(study.name(), study.seed(), replicate, seedFor(study.seed(), replicate), point,
                study.training(), study.probe());
    }

    /** This trial with one axis set to {@code value}. */
    public TrialConfig with(Axis axis, Object value) {
        EnumMap<Axis, Object> p = new EnumMap<>(Axis.class);
        p.putAll(point);
        p.put(axis, value);
        return new TrialConfig(study, studySeed, replicate, seed, p, training, probe);
    }

    /** This trial's value of an axis, or null where it does not apply. */
    public Object value(Axis axis) { return point.get(axis); }

    public Activation activation() { return (Activation) point.get(Axis.ACTIVATION); }
    public Double leakyReluSlope() { return (Double) point.get(Axis.LEAKY_RELU_SLOPE); }
    public Init init() { return (Init) point.get(Axis.INIT); }
    public Double initGain() { return (Double) point.get(Axis.INIT_GAIN); }
    public Normalization normalization() { return (Normalization) point.get(Axis.NORMALIZATION); }
    public int residualEvery() { return (Integer) point.get(Axis.RESIDUAL_EVERY); }
    public int depth() { return (Integer) point.get(Axis.DEPTH); }
    public int width() { return (Integer) point.get(Axis.WIDTH); }
    public double learningRate() { return (Double) point.get(Axis.LEARNING_RATE); }
    public Optimizer optimizer() { return (Optimizer) point.get(Axis.OPTIMIZER); }
    public Clipping clipping() { return (Clipping) point.get(Axis.CLIPPING); }
    public Double clipThreshold() { return (Double) point.get(Axis.CLIP_THRESHOLD); }
    public double l2() { return (Double) point.get(Axis.L2); }
    public InputScaling input() { return (InputScaling) point.get(Axis.INPUT); }

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
        StringBuilder sb = new StringBuilder("v2");
        for (Axis axis : Axis.ordered()) sb.append('|').append(axis.key()).append('=').append(axis.format(value(axis)));
        sb.append("|replicate=").append(replicate).append("|study-seed=").append(studySeed);
        return sb.append(training.canonical()).append(probe.canonical()).toString();
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

    private static long mix(long z) { // SplitMix64 finalizer
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
