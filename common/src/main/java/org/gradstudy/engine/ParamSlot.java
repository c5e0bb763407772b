package org.gradstudy.engine;

/**
 * One parameter tensor the probe watches: its layer (1 = nearest the input), whether the layer is
 * hidden or the output layer, the parameter's short name (W, b) and DL4J's key for it.
 */
public record ParamSlot(int layer, Kind kind, String param, String key) {
    /** Where a layer sits in the network. */
    public enum Kind { HIDDEN, OUTPUT;
        public String key() { return name().toLowerCase(java.util.Locale.ROOT); }
    }
}
