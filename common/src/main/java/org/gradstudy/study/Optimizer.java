package org.gradstudy.study;

/** Update rules. momentum is Nesterov momentum 0.9; adam uses DL4J's defaults (0.9, 0.999, 1e-8). */
public enum Optimizer implements Keyed {
    SGD, MOMENTUM, ADAM;

    @Override public String key() { return Keyed.dashed(this); }
}
