package org.gradstudy.jobs;

import org.gradstudy.engine.CostModel;
import org.gradstudy.engine.Preflight;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Expander;
import org.gradstudy.study.Expansion;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyParser;
import org.gradstudy.study.TrialConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gradstudy plan <study.conf>}: a dry run. Trial count, what was collapsed and excluded, coverage, estimated cost. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Dry run: expand a study and print its trial count, exclusions, coverage per axis and estimated cost.")
final class PlanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "STUDY", description = "study file (HOCON)")
    Path study;

    @Option(names = "--cores", defaultValue = "2", description = "cores to spread the estimate over (default: ${DEFAULT-VALUE})")
    int cores;

    @Option(names = "--list", description = "also list every trial: id and axis values")
    boolean list;

    @Override
    public Integer call() {
        Study s = StudyParser.parse(study);
        if (s.search() != null) {
            org.gradstudy.study.BoundarySearch search = new org.gradstudy.study.BoundarySearch(s);
            int combos = search.brackets().size();
            long maxTrials = (long) combos * s.replicates() * (s.search().maxRounds() + 1);
            System.out.println("study " + s.name() + " (" + study + "): boundary search on " + s.search().axis().key() + " over "
                    + search.range() + ", tolerance " + s.search().tolerance() + ", at most " + s.search().maxRounds() + " rounds");
            System.out.printf("combinations of the other axes: %d; trials: at most %d (%d per round, 2x in the first)%n",
                    combos, maxTrials, (long) combos * s.replicates());
            return 0;
        }
        Expansion e = Expander.expand(s);
        Preflight.check(s, e.trials());
        System.out.println("study " + s.name() + " (" + study + ")");
        System.out.print(e.report(study.toString()));
        System.out.println();
        System.out.print(coverage(e.trials()));
        double ms = e.trials().stream().mapToDouble(CostModel::trialMillis).sum();
        double longest = e.trials().stream().mapToDouble(CostModel::trialMillis).max().orElse(0);
        System.out.printf("%nestimated cost: %.1f core-hours (%.0f s per trial on average, longest %.0f s); "
                        + "about %.1f hours on %d cores, one trial per core%n",
                ms / 3.6e6, e.trials().isEmpty() ? 0 : ms / 1000 / e.trials().size(), longest / 1000,
                Math.max(ms / 3.6e6 / cores, longest / 3.6e6), cores);
        System.out.println("(a rough model calibrated on a 2-core x86-64 machine; measure with a small study first)");
        if (list) {
            System.out.println();
            for (TrialConfig t : e.trials()) {
                StringBuilder sb = new StringBuilder(t.trialId()).append("  r").append(t.replicate());
                for (Axis a : s.variedAxes()) sb.append("  ").append(a.key()).append('=').append(a.format(t.value(a)));
                System.out.println(sb);
            }
        }
        return 0;
    }

    /** Per axis: the number of trials at each value ("n/a" where the axis does not apply). */
    static String coverage(List<TrialConfig> trials) {
        StringBuilder sb = new StringBuilder("coverage (trials per value):\n");
        for (Axis a : Axis.ordered()) {
            if (a.domain() instanceof Axis.RealRange || a.domain() instanceof Axis.IntRange) {
                java.util.Set<Object> distinct = new java.util.HashSet<>();
                double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
                for (TrialConfig t : trials) {
                    Object v = t.value(a);
                    if (v == null) continue;
                    distinct.add(v);
                    min = Math.min(min, ((Number) v).doubleValue());
                    max = Math.max(max, ((Number) v).doubleValue());
                }
                if (distinct.size() > 8) {
                    sb.append(String.format("  %-17s %d distinct values, min %s, max %s%n", a.key(), distinct.size(), min, max));
                    continue;
                }
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (TrialConfig t : trials) counts.merge(a.format(t.value(a)), 1, Integer::sum);
            StringBuilder line = new StringBuilder();
            counts.forEach((v, n) -> line.append(line.length() == 0 ? "" : ", ").append(v).append(": ").append(n));
            sb.append(String.format("  %-17s %s%n", a.key(), line));
        }
        return sb.toString();
    }
}
