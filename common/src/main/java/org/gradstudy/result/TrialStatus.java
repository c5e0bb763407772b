package org.gradstudy.result;

/** How a trial ended. */
public enum TrialStatus implements org.gradstudy.study.Keyed {
    /** Trained every step with finite loss and gradients. */
    OK,
    /** The loss or a gradient became NaN/Inf; training stopped at that step. */
    DIVERGED,
    /** An exception stopped the trial; its message is recorded. */
    FAILED;

    @Override public String key() { return org.gradstudy.study.Keyed.dashed(this); }
}
