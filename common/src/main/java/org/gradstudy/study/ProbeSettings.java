package org.gradstudy.study;

import java.io.Serializable;

/** When the gradient probe records: step 0, every {@code every} steps, the last step and a divergence. */
public record ProbeSettings(int every) implements Serializable {
    public ProbeSettings {
        if (every < 1) throw new IllegalArgumentException("probe.every must be >= 1, got " + every);
    }

    /** Whether step {@code step} (0-based) of a trial of {@code steps} steps is recorded by schedule. */
    public boolean records(int step, int steps) {
        return step == 0 || step % every == 0 || step == steps - 1;
    }
}
