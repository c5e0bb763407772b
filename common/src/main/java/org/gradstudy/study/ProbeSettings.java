package org.gradstudy.study;

import java.io.Serializable;
import java.util.BitSet;

/**
 * When the gradient probe records: step 0, the first {@code first} steps, every {@code every} steps,
 * {@code logPoints} log-spaced steps (0 = none), the last step, and always a divergence step.
 */
public record ProbeSettings(int every, int first, int logPoints) implements Serializable {
    public ProbeSettings {
        if (every < 1) throw new IllegalArgumentException("probe.every must be >= 1, got " + every);
        if (first < 0 || logPoints < 0) throw new IllegalArgumentException("probe.first and probe.log-spaced must be >= 0");
    }

    /** Every k steps only (plus step 0 and the last). */
    public ProbeSettings(int every) { this(every, 0, 0); }

    /** The steps recorded by schedule in a trial of {@code steps} steps. */
    public BitSet schedule(int steps) {
        BitSet s = new BitSet(steps);
        for (int i = 0; i < steps; i += every) s.set(i);
        s.set(0, Math.min(Math.max(first, 1), steps));
        if (logPoints > 0 && steps > 1)
            for (int i = 0; i < logPoints; i++) {
                double t = logPoints == 1 ? 1 : (double) i / (logPoints - 1);
                s.set((int) Math.min(steps - 1, Math.round(Math.exp(t * Math.log(steps))) - 1));
            }
        s.set(steps - 1);
        return s;
    }

    /** Whether step {@code step} (0-based) of a trial of {@code steps} steps is recorded by schedule. */
    public boolean records(int step, int steps) { return schedule(steps).get(step); }

    String canonical() { return "|probe-every=" + every + (first > 0 ? "|probe-first=" + first : "")
            + (logPoints > 0 ? "|probe-log-spaced=" + logPoints : ""); }
}
