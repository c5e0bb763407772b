package org.gradstudy.engine;

/**
 * One trainable parameter tensor the probe watches: its layer (1 = nearest the input), whether the
 * layer is hidden or the output layer, the parameter's short name (W, b, gamma, beta, alpha), DL4J's
 * key for it, and the DL4J layer (graph vertex) holding it.
 */
public record ParamSlot(int layer, Kind kind, String param, String key, String vertex) {
    /** Where a layer sits in the network. */
    public enum Kind { HIDDEN, OUTPUT;
        private final String key = name().toLowerCase(java.util.Locale.ROOT);

        /**
         * The kind's name in the tables: one shared string (each recorded row holds it until its batch is
         * committed; a fresh string per row was a quarter of the live heap every young collection copied).
         */
        public String key() { return key; }
    }
}
