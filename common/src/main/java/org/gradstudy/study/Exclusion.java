package org.gradstudy.study;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@code exclude} rule of a study file: a trial is excluded when, for every axis the rule names,
 * its value is in the rule's list (or, for {@code { not = [...] }}, not in it).
 *
 * @param line   line of the rule in the study file
 * @param values per axis, the listed values
 * @param negated per axis, whether the list is a {@code not} list
 */
public record Exclusion(int line, Map<Axis, Set<Object>> values, Map<Axis, Boolean> negated) implements Serializable {
    public Exclusion {
        values = new EnumMap<>(values);
        negated = new EnumMap<>(negated);
    }

    /** Whether the rule removes a trial with these axis values. */
    public boolean matches(Map<Axis, Object> point) {
        for (Map.Entry<Axis, Set<Object>> e : values.entrySet()) {
            boolean in = e.getValue().contains(point.get(e.getKey()));
            if (in == negated.getOrDefault(e.getKey(), false)) return false;
        }
        return true;
    }

    /** The rule as written, in canonical spelling: {activation = [selu], init not in [lecun-normal]}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        values.forEach((a, vs) -> parts.add(a.key() + (negated.getOrDefault(a, false) ? " not in " : " in ")
                + vs.stream().map(a::format).toList()));
        return "{" + String.join(", ", parts) + "}";
    }
}
