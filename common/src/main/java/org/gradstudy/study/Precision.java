package org.gradstudy.study;

/** Floating-point type the network trains in. Statistics are always computed in double. */
public enum Precision implements Keyed {
    FLOAT, DOUBLE;

    @Override public String key() { return Keyed.dashed(this); }
}
