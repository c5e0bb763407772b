package org.gradstudy.study;

import java.util.List;
import java.util.Map;

/**
 * A study's trials and how they were obtained from the grid: the grid size, the grid points that
 * collapsed into one trial because an axis did not apply (a slope without leaky-relu), and how many
 * trials each exclude rule removed.
 */
public record Expansion(String method, int replicates, List<TrialConfig> trials, long gridTrials, long collapsed,
                        Map<Exclusion, Long> excluded) {
    public Expansion {
        trials = List.copyOf(trials);
        excluded = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(excluded));
    }

    /** A readable account, one line each: grid, collapsed, every rule, and what remains. */
    public String report(String file) {
        StringBuilder sb = new StringBuilder();
        if (method.equals("grid")) sb.append(String.format("grid: %d trials (axes x replicates)%n", gridTrials));
        else sb.append(String.format("%s sample: %d draws x %d replicates = %d trials drawn%s%n", method, gridTrials / replicates,
                replicates, gridTrials, collapsed > 0 ? ", " + collapsed + " redrawn as duplicates" : ""));
        if (collapsed > 0 && method.equals("grid"))
            sb.append(String.format("collapsed: %d grid trials were duplicates because an axis does not apply "
                    + "(leaky-relu-slope without leaky-relu, init-gain without scaled-normal, clip-threshold without clipping)%n", collapsed));
        excluded.forEach((rule, n) -> sb.append(String.format("excluded: %d trials by the rule at %s:%d %s%n",
                n, file, rule.line(), rule.describe())));
        sb.append(String.format("trials: %d%n", trials.size()));
        return sb.toString();
    }
}
