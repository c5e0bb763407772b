package org.gradstudy.result;

/** How a trial ended. */
public enum TrialStatus implements org.gradstudy.study.Keyed {
    /** Trained every step with finite loss and gradients. */
    OK,
    /** The loss or a gradient became NaN/Inf; training stopped at that step. */
    DIVERGED,
    /** An exception stopped the trial; its message is recorded. */
    FAILED,
    /** The trial ran past the run's per-trial time limit and was stopped at a step boundary. */
    TIMEOUT;

    /** ok and diverged are results; failed and timeout are retried with {@code --retry-failed}. */
    public boolean retryable() { return this == FAILED || this == TIMEOUT; }

    @Override public String key() { return org.gradstudy.study.Keyed.dashed(this); }
}
