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
        if (study.search() != null)
            throw new IllegalStateException("a boundary-search study chooses its trials round by round (BoundarySearch)");
        if (study.sampling() != Sampling.GRID) return sample(study);
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
        return new Expansion("grid", study.replicates(), out, grid, collapsed, excluded);
    }

    /**
     * random / sobol: draws points one after another from a stream fixed by the study seed, redrawing a
     * point that duplicates an earlier one (after axes that do not apply are nulled) or that an exclude
     * rule removes, until {@code trials} points are kept. The stream never depends on {@code trials}, so
     * growing it keeps the first points and resumed studies continue the same sample.
     */
    static Expansion sample(Study study) {
        List<Axis> sampled = new ArrayList<>();
        for (Axis a : Axis.ordered()) if (study.ranges().containsKey(a) || study.axes().get(a).size() > 1) sampled.add(a);
        java.util.function.Supplier<double[]> draws;
        if (study.sampling() == Sampling.SOBOL && !sampled.isEmpty()) {
            var sobol = new org.apache.commons.math3.random.SobolSequenceGenerator(sampled.size());
            sobol.nextVector(); // the first Sobol point is the corner (0, ..., 0)
            draws = sobol::nextVector;
        } else {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(study.seed() ^ 0x5A3B1E5L);
            draws = () -> {
                double[] u = new double[sampled.size()];
                for (int i = 0; i < u.length; i++) u[i] = rnd.nextDouble();
                return u;
            };
        }
        Set<Map<Axis, Object>> points = new LinkedHashSet<>();
        Map<Exclusion, Long> excluded = new LinkedHashMap<>();
        study.exclusions().forEach(e -> excluded.put(e, 0L));
        long draws_ = 0, duplicates = 0, maxDraws = 100L * study.sampleSize() + 1000;
        while (points.size() < study.sampleSize() && draws_ < maxDraws) {
            double[] u = draws.get();
            draws_++;
            Map<Axis, Object> point = new EnumMap<>(Axis.class);
            for (Axis a : Axis.ordered()) if (!sampled.contains(a)) point.put(a, study.axes().get(a).get(0));
            for (int i = 0; i < sampled.size(); i++) {
                Axis a = sampled.get(i);
                Range r = study.ranges().get(a);
                List<Object> values = study.axes().get(a);
                point.put(a, r != null ? r.at(u[i]) : values.get(Math.min(values.size() - 1, (int) (u[i] * values.size()))));
            }
            for (Axis a : Axis.ordered()) if (!a.appliesTo(point)) point.put(a, null);
            Exclusion hit = study.exclusions().stream().filter(e -> e.matches(point)).findFirst().orElse(null);
            if (hit != null) excluded.merge(hit, (long) study.replicates(), Long::sum);
            else if (!points.add(point)) duplicates++;
        }
        if (points.size() < study.sampleSize())
            throw new StudyException(new StudyException.Problem(study.source(), 0, "trials", "found only " + points.size()
                    + " distinct points in " + draws_ + " draws: the axes have fewer than trials = " + study.sampleSize()
                    + " distinct combinations (after exclude rules); lower trials or widen the axes"));
        checkBuildable(study, points);
        List<TrialConfig> out = new ArrayList<>();
        for (Map<Axis, Object> p : points)
            for (int r = 0; r < study.replicates(); r++) out.add(TrialConfig.of(study, p, r));
        return new Expansion(study.sampling().key(), study.replicates(), out, draws_ * study.replicates(),
                duplicates * study.replicates(), excluded);
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
