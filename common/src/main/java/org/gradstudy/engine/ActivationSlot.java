package org.gradstudy.engine;

/** The graph vertex whose output is hidden layer {@code layer}'s activation. */
public record ActivationSlot(int layer, String vertex) {}
