package org.gradstudy.engine;

import org.gradstudy.study.Axis;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyException;
import org.gradstudy.study.TrialConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the DL4J configuration of every distinct network of a study before any trial runs (cheap: no
 * parameters are allocated), so a combination DL4J cannot build fails the study up front with the
 * combination and DL4J's reason, instead of thousands of failed trials.
 */
public final class Preflight {
    private Preflight() {}

    /** @throws StudyException naming each combination that cannot be built */
    public static void check(Study study, List<TrialConfig> trials) {
        Map<Map<Axis, Object>, TrialConfig> distinct = new LinkedHashMap<>();
        for (TrialConfig t : trials) distinct.putIfAbsent(t.point(), t);
        List<StudyException.Problem> problems = new ArrayList<>();
        for (TrialConfig t : distinct.values()) {
            try {
                NetworkFactory.configuration(t);
            } catch (RuntimeException e) {
                StringBuilder combo = new StringBuilder();
                t.point().forEach((a, v) -> { if (v != null) combo.append(combo.length() == 0 ? "" : ", ").append(a.key()).append('=').append(a.format(v)); });
                problems.add(new StudyException.Problem(study.source(), 0, "axes",
                        "DL4J cannot build {" + combo + "}: " + e.getMessage() + "; exclude this combination with an exclude rule"));
                if (problems.size() >= 10) break;
            }
        }
        if (!problems.isEmpty()) throw new StudyException(problems);
    }
}
