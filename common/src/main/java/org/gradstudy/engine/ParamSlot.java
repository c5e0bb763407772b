package org.gradstudy.engine;

/**
 * One trainable parameter tensor the probe watches: its layer (1 = nearest the input), whether the
 * layer is hidden or the output layer, the parameter's short name (W, b, gamma, beta, alpha), DL4J's
 * key for it, and the DL4J layer (graph vertex) holding it.
 */
public record ParamSlot(int layer, Kind kind, String param, String key, String vertex) {
    /** Where a layer sits in the network. */
    public enum Kind { HIDDEN, OUTPUT;
        public String key() { return name().toLowerCase(java.util.Locale.ROOT); }
    }
}
