package org.gradstudy.study;

/** Whether features are standardized (mean 0, std 1 per feature) before training, or left raw. */
public enum InputScaling implements Keyed {
    STANDARDIZED, RAW;

    @Override public String key() { return Keyed.dashed(this); }
}
