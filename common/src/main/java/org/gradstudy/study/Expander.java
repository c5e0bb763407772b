package org.gradstudy.study;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Expands a study into its trials: a pure function of the study. */
public final class Expander {
    private Expander() {}

    /**
     * The grid over all axes (in {@link Axis} order, each axis's values in file order, the last axis
     * varying fastest) times the replicates (innermost).
     */
    public static List<TrialConfig> expand(Study study) {
        List<Axis> axes = Axis.ordered();
        List<TrialConfig> out = new ArrayList<>((int) Math.min(study.trialCount(), Integer.MAX_VALUE));
        int[] idx = new int[axes.size()];
        while (true) {
            Map<Axis, Object> point = new EnumMap<>(Axis.class);
            for (int i = 0; i < axes.size(); i++) point.put(axes.get(i), study.axes().get(axes.get(i)).get(idx[i]));
            for (int r = 0; r < study.replicates(); r++) out.add(TrialConfig.of(study, point, r));
            int i = axes.size() - 1;
            while (i >= 0 && ++idx[i] == study.axes().get(axes.get(i)).size()) idx[i--] = 0;
            if (i < 0) return out;
        }
    }
}
