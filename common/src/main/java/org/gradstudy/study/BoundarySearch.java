package org.gradstudy.study;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of a boundary search (see {@link Search}): one bracket per combination of the other axes
 * (depth included), refined round by round. A round asks for trials ({@link #nextRound}); the caller
 * runs them and reports each trial's step-0 log10 attenuation ({@link #record}). Deterministic: the
 * same measurements give the same rounds, so a resumed search finds its earlier trials in the tables.
 */
public final class BoundarySearch {
    /** Where a combination's search stands. */
    public enum Status implements Keyed {
        /** Still bracketing or bisecting. */
        OPEN,
        /** The bracket is narrower than the tolerance. */
        FOUND,
        /** Both ends of the range are on the same side of 0: no crossing inside the range. */
        NO_CROSSING,
        /** max-rounds reached before the tolerance. */
        MAX_ROUNDS,
        /** A measurement was missing or not finite (a failed or diverged trial). */
        FAILED;

        @Override public String key() { return Keyed.dashed(this); }
    }

    /** One combination's bracket and result. */
    public static final class Bracket {
        public final Map<Axis, Object> point;
        public double low, high;
        public Double fLow, fHigh;
        public int rounds, trials;
        public Status status = Status.OPEN;
        Double pending; // the value asked for in the current round

        Bracket(Map<Axis, Object> point, double low, double high) {
            this.point = point;
            this.low = low;
            this.high = high;
        }

        /** The crossing, interpolated linearly between the bracket's ends (in log space for log ranges). */
        public Double estimate(Range range) {
            if (fLow == null || fHigh == null || status == Status.NO_CROSSING || status == Status.FAILED) return null;
            boolean log = range.law().logarithmic();
            double a = log ? Math.log(low) : low, b = log ? Math.log(high) : high;
            double x = fHigh.equals(fLow) ? (a + b) / 2 : a + (0 - fLow) * (b - a) / (fHigh - fLow);
            return log ? Math.exp(x) : x;
        }
    }

    private final Study study;
    private final Search search;
    private final Range range;
    private final List<Bracket> brackets = new ArrayList<>();
    private final Map<String, Bracket> byTrial = new LinkedHashMap<>();
    private final Map<String, Double> valueOfTrial = new LinkedHashMap<>();

    public BoundarySearch(Study study) {
        this.study = study;
        this.search = study.search();
        this.range = study.ranges().get(search.axis());
        List<Axis> axes = Axis.ordered();
        int[] idx = new int[axes.size()];
        while (true) {
            Map<Axis, Object> point = new EnumMap<>(Axis.class);
            for (int i = 0; i < axes.size(); i++)
                if (axes.get(i) != search.axis()) point.put(axes.get(i), study.axes().get(axes.get(i)).get(idx[i]));
            point.put(search.axis(), range.low());
            for (Axis a : axes) if (!a.appliesTo(point)) point.put(a, null);
            if ((Integer) point.get(Axis.DEPTH) < 2)
                throw new StudyException(new StudyException.Problem(study.source(), study.line(Axis.DEPTH), "axes.depth",
                        "a boundary search needs depth >= 2 (attenuation compares the first and last hidden layers)"));
            boolean excluded = study.exclusions().stream().anyMatch(e -> e.matches(point));
            if (!excluded) brackets.add(new Bracket(point, range.low(), range.high()));
            int i = axes.size() - 1;
            while (i >= 0 && (axes.get(i) == search.axis() || ++idx[i] == study.axes().get(axes.get(i)).size())) {
                if (axes.get(i) != search.axis()) idx[i] = 0;
                i--;
            }
            if (i < 0) break;
        }
    }

    public List<Bracket> brackets() { return brackets; }

    public Range range() { return range; }

    /** Trials of the next round (empty when every bracket is closed): both ends first, then midpoints. */
    public List<TrialConfig> nextRound() {
        List<TrialConfig> out = new ArrayList<>();
        byTrial.clear();
        valueOfTrial.clear();
        for (Bracket b : brackets) {
            if (b.status != Status.OPEN) continue;
            if (b.rounds >= search.maxRounds()) { b.status = Status.MAX_ROUNDS; continue; }
            List<Double> values = b.fLow == null ? List.of(b.low, b.high) : List.of(range.midpoint(b.low, b.high));
            for (double v : values) {
                Map<Axis, Object> p = new EnumMap<>(b.point);
                p.put(search.axis(), range.law().integer() ? (Object) (int) Math.round(v) : (Object) v);
                for (int r = 0; r < study.replicates(); r++) {
                    TrialConfig t = TrialConfig.of(study, p, r);
                    out.add(t);
                    byTrial.put(t.trialId(), b);
                    valueOfTrial.put(t.trialId(), v);
                }
            }
            b.rounds++;
        }
        return out;
    }

    /** Reports the round's measurements: trial id to step-0 log10 attenuation (NaN or absent = unusable). */
    public void record(Map<String, Double> attenuation) {
        Map<Bracket, Map<Double, List<Double>>> perValue = new LinkedHashMap<>();
        byTrial.forEach((id, b) -> perValue.computeIfAbsent(b, k -> new LinkedHashMap<>())
                .computeIfAbsent(valueOfTrial.get(id), k -> new ArrayList<>()).add(attenuation.getOrDefault(id, Double.NaN)));
        perValue.forEach((b, values) -> values.forEach((v, fs) -> {
            b.trials += fs.size();
            double mean = fs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            if (!Double.isFinite(mean)) { b.status = Status.FAILED; return; }
            if (b.fLow == null && v == b.low) b.fLow = mean;
            else if (b.fHigh == null && v == b.high) b.fHigh = mean;
            else if (Math.signum(mean) == Math.signum(b.fLow)) { b.low = v; b.fLow = mean; }
            else { b.high = v; b.fHigh = mean; }
        }));
        for (Bracket b : perValue.keySet()) {
            if (b.status != Status.OPEN || b.fLow == null || b.fHigh == null) continue;
            if (Math.signum(b.fLow) == Math.signum(b.fHigh) && b.fLow != 0) b.status = Status.NO_CROSSING;
            else if (width(b) < search.tolerance()) b.status = Status.FOUND;
        }
    }

    private double width(Bracket b) {
        return range.law().logarithmic() ? b.high / b.low - 1 : b.high - b.low;
    }

    /** Whether every bracket is closed. */
    public boolean done() { return brackets.stream().noneMatch(b -> b.status == Status.OPEN); }
}
