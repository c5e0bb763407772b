package org.gradstudy.study;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed study: a product of named axes, replicated, plus training and probe settings.
 * Every axis is present: axes a study file leaves out hold their single default value.
 */
public record Study(String name, long seed, int replicates, Map<Axis, List<Object>> axes,
                    Training training, ProbeSettings probe, List<Exclusion> exclusions,
                    Map<Axis, Integer> axisLines, String source, Sampling sampling, int sampleSize,
                    Map<Axis, Range> ranges, Search search, Analysis analysis) {
    /** Allowed study names: they become partition directory names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Study {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad study name: " + name);
        if (replicates < 1) throw new IllegalArgumentException("replicates must be >= 1");
        ranges = Collections.unmodifiableMap(ranges.isEmpty() ? new EnumMap<>(Axis.class) : new EnumMap<>(ranges));
        EnumMap<Axis, List<Object>> copy = new EnumMap<>(Axis.class);
        for (Axis axis : Axis.values()) {
            if (ranges.containsKey(axis)) { copy.put(axis, List.of()); continue; }
            List<Object> values = axes.get(axis);
            copy.put(axis, values == null ? List.of(axis.defaultValue()) : List.copyOf(values));
            if (copy.get(axis).isEmpty()) throw new IllegalArgumentException("axis " + axis.key() + " is empty");
        }
        java.util.Objects.requireNonNull(sampling);
        java.util.Objects.requireNonNull(analysis);
        if (sampling == Sampling.GRID && !ranges.isEmpty() && search == null)
            throw new IllegalArgumentException("ranges need sampling random or sobol, or a search");
        axes = Collections.unmodifiableMap(copy);
        exclusions = List.copyOf(exclusions);
        axisLines = Collections.unmodifiableMap(new EnumMap<>(axisLines.isEmpty() ? Map.of(Axis.DEPTH, 0) : axisLines));
    }

    /** A study with only axes and settings (no exclude rules), for tools and tests. */
    public Study(String name, long seed, int replicates, Map<Axis, List<Object>> axes, Training training, ProbeSettings probe) {
        this(name, seed, replicates, axes, training, probe, List.of(), Map.of(), name, Sampling.GRID, 0, Map.of(), null, Analysis.defaults());
    }

    /** The same study training on a loaded file's data (see {@link Training#withFileData}). */
    public Study withTraining(Training t) {
        return new Study(name, seed, replicates, axes, t, probe, exclusions, axisLines, source, sampling, sampleSize, ranges, search, analysis);
    }

    /** Line of an axis in the study file, 0 if it was not given. */
    public int line(Axis axis) { return axisLines.getOrDefault(axis, 0); }

    /** Size of the full grid (the product of the list axis sizes), or the sample size, times replicates. */
    public long trialCount() {
        if (sampling != Sampling.GRID) return (long) sampleSize * replicates;
        long n = replicates;
        for (Map.Entry<Axis, List<Object>> e : axes.entrySet()) if (!ranges.containsKey(e.getKey())) n *= e.getValue().size();
        return n;
    }

    /** The axes with more than one value: the ones the study actually varies. */
    public List<Axis> variedAxes() {
        List<Axis> varied = new ArrayList<>();
        axes.forEach((a, v) -> { if (v.size() > 1 || ranges.containsKey(a)) varied.add(a); });
        return varied;
    }
}
