package org.gradstudy.study;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Expands a study into its trials: a pure function of the study. */
public final class Expander {
    private Expander() {}

    /**
     * The grid over all axes (in {@link Axis} order, each axis's values in file order, the last axis
     * varying fastest) times the replicates (innermost). Axes that do not apply to a point are nulled
     * and the resulting duplicates dropped; exclude rules remove what they match.
     *
     * @throws StudyException for combinations that cannot be built (a residual span longer than the network)
     */
    public static Expansion expand(Study study) {
        List<Axis> axes = Axis.ordered();
        Set<Map<Axis, Object>> points = new LinkedHashSet<>();
        long grid = 0;
        int[] idx = new int[axes.size()];
        Map<Exclusion, Long> excluded = new LinkedHashMap<>();
        study.exclusions().forEach(e -> excluded.put(e, 0L));
        long collapsed = 0;
        outer:
        while (true) {
            Map<Axis, Object> point = new EnumMap<>(Axis.class);
            for (int i = 0; i < axes.size(); i++) point.put(axes.get(i), study.axes().get(axes.get(i)).get(idx[i]));
            grid += study.replicates();
            for (Axis a : axes) if (!a.appliesTo(point)) point.put(a, null);
            boolean kept = true;
            for (Exclusion e : study.exclusions())
                if (e.matches(point)) {
                    excluded.merge(e, (long) study.replicates(), Long::sum);
                    kept = false;
                    break;
                }
            if (kept && !points.add(point)) collapsed += study.replicates();
            int i = axes.size() - 1;
            while (i >= 0 && ++idx[i] == study.axes().get(axes.get(i)).size()) idx[i--] = 0;
            if (i < 0) break outer;
        }
        checkBuildable(study, points);
        List<TrialConfig> out = new ArrayList<>();
        for (Map<Axis, Object> p : points)
            for (int r = 0; r < study.replicates(); r++) out.add(TrialConfig.of(study, p, r));
        return new Expansion(out, grid, collapsed, excluded);
    }

    /** Combinations no network can have fail the whole study before anything runs, naming the fix. */
    private static void checkBuildable(Study study, Set<Map<Axis, Object>> points) {
        Map<Integer, TreeSet<Integer>> tooShallow = new LinkedHashMap<>();
        for (Map<Axis, Object> p : points) {
            int k = (Integer) p.get(Axis.RESIDUAL_EVERY), depth = (Integer) p.get(Axis.DEPTH);
            if (k > 0 && depth - 1 < k) tooShallow.computeIfAbsent(k, x -> new TreeSet<>()).add(depth);
        }
        List<StudyException.Problem> problems = new ArrayList<>();
        tooShallow.forEach((k, depths) -> problems.add(new StudyException.Problem(study.source(),
                study.line(Axis.RESIDUAL_EVERY), "axes.residual-every",
                "value " + k + " needs depth >= " + (k + 1) + " (a skip spans " + k + " hidden layers after the first), "
                        + "but axes.depth has " + depths + "; remove one of the values or add a rule to exclude, e.g. "
                        + "{ residual-every = [" + k + "], depth = " + depths + " }")));
        if (!problems.isEmpty()) throw new StudyException(problems);
    }
}
