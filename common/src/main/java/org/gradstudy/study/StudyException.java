package org.gradstudy.study;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A study file that cannot be run. Each problem names the file, the line, the key path, the bad
 * value and what is allowed, as {@code file:line: key: problem}.
 */
public final class StudyException extends RuntimeException {
    private final List<Problem> problems;

    public StudyException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public StudyException(Problem problem) { this(List.of(problem)); }

    public List<Problem> problems() { return problems; }

    /** One problem; {@code line} is 0 when it applies to the file as a whole, key empty likewise. */
    public record Problem(String file, int line, String key, String message) {
        @Override public String toString() {
            String where = line > 0 ? file + ":" + line : file;
            return key.isEmpty() ? where + ": " + message : where + ": " + key + ": " + message;
        }
    }
}
