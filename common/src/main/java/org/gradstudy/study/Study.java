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
                    Training training, ProbeSettings probe, String source) {
    /** Allowed study names: they become partition directory names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Study {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad study name: " + name);
        if (replicates < 1) throw new IllegalArgumentException("replicates must be >= 1");
        EnumMap<Axis, List<Object>> copy = new EnumMap<>(Axis.class);
        for (Axis axis : Axis.values()) {
            List<Object> values = axes.get(axis);
            copy.put(axis, values == null ? List.of(axis.defaultValue()) : List.copyOf(values));
            if (copy.get(axis).isEmpty()) throw new IllegalArgumentException("axis " + axis.key() + " is empty");
        }
        axes = Collections.unmodifiableMap(copy);
    }

    /** Number of trials the study expands to: the product of the axis sizes times replicates. */
    public long trialCount() {
        long n = replicates;
        for (List<Object> v : axes.values()) n *= v.size();
        return n;
    }

    /** The axes with more than one value: the ones the study actually varies. */
    public List<Axis> variedAxes() {
        List<Axis> varied = new ArrayList<>();
        axes.forEach((a, v) -> { if (v.size() > 1) varied.add(a); });
        return varied;
    }
}
