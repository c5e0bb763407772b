package org.gradstudy.study;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.apache.commons.text.similarity.LevenshteinDistance;

import java.util.List;

/** Small readers of Typesafe Config values, for the study parser's messages. */
final class ConfigValues {
    private ConfigValues() {}

    /** Line of a value in its file, 0 when unknown. */
    static int line(ConfigValue v) {
        return v == null || v.origin() == null ? 0 : Math.max(0, v.origin().lineNumber());
    }

    /** The value at a dotted path, or null. */
    static ConfigValue lookup(ConfigObject root, String path) {
        ConfigValue v = root;
        for (String part : path.split("\\.")) {
            if (!(v instanceof ConfigObject o) || !o.containsKey(part)) return null;
            v = o.get(part);
        }
        return v;
    }

    /** An integral number's value (5 or 5.0), or null. */
    static Long integral(ConfigValue v) {
        if (v.valueType() != ConfigValueType.NUMBER) return null;
        Number n = (Number) v.unwrapped();
        if (n instanceof Integer || n instanceof Long) return n.longValue();
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < 9e15 ? (long) d : null;
    }

    /** " (did you mean 'x'?)" for the closest candidate within edit distance max(2, len/3), else "". */
    static String didYouMean(String bad, List<String> candidates, String prefix) {
        LevenshteinDistance lev = LevenshteinDistance.getDefaultInstance();
        String best = null;
        int bestDist = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = lev.apply(bad, c);
            if (d < bestDist) { bestDist = d; best = c; }
        }
        return best != null && bestDist <= Math.max(2, best.length() / 3) ? " (did you mean '" + prefix + best + "'?)" : "";
    }

    /** A value as a message shows it: 'text', 5, a list, a section. */
    static String describe(ConfigValue v) {
        return switch (v.valueType()) {
            case STRING -> "'" + v.unwrapped() + "'";
            case NUMBER, BOOLEAN -> v.render();
            case NULL -> "null";
            case LIST -> "a list";
            case OBJECT -> "a section";
        };
    }

}
