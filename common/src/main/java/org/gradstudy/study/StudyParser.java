package org.gradstudy.study;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.apache.commons.text.similarity.LevenshteinDistance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a HOCON study file into a {@link Study}, or fails with a {@link StudyException} listing every
 * problem found: unknown keys (with a did-you-mean), wrong types, empty or duplicate axis values,
 * out-of-range values and impossible combinations.
 */
public final class StudyParser {
    /** Studies larger than this are refused: split them, or raise it with care. */
    public static final long MAX_TRIALS = 1_000_000;

    private final String file;
    private final List<StudyException.Problem> problems = new ArrayList<>();

    private StudyParser(String file) { this.file = file; }

    /** Parses a study file; the study name defaults to the file name without {@code .conf}. */
    public static Study parse(Path path) {
        String file = path.toString();
        if (!Files.exists(path)) throw new StudyException(new StudyException.Problem(file, 0, "", "study file not found"));
        if (Files.isDirectory(path)) throw new StudyException(new StudyException.Problem(file, 0, "", "is a directory, not a study file"));
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new StudyException(new StudyException.Problem(file, 0, "", "cannot read the study file: " + e.getMessage()));
        }
        String base = path.getFileName().toString().replaceFirst("\\.conf$", "");
        return parse(text, file, base);
    }

    /** Parses study text; {@code file} names it in errors, {@code defaultName} is used when it has no name. */
    public static Study parse(String text, String file, String defaultName) {
        StudyParser p = new StudyParser(file);
        Config config;
        try {
            config = ConfigFactory.parseString(text, ConfigParseOptions.defaults()
                    .setSyntax(ConfigSyntax.CONF).setOriginDescription(file)).resolve();
        } catch (ConfigException e) {
            int line = e.origin() == null ? 0 : Math.max(0, e.origin().lineNumber());
            String msg = e.getMessage();
            // Typesafe prefixes "file: line: "; we print our own prefix.
            String prefix = file + ": " + line + ": ";
            if (msg.startsWith(prefix)) msg = msg.substring(prefix.length());
            throw new StudyException(new StudyException.Problem(file, line, "", "syntax error: " + msg));
        }
        return p.read(config.root(), defaultName);
    }

    private Study read(ConfigObject root, String defaultName) {
        // Allowed keys in a fixed order (error messages must not depend on hash order).
        Set<String> top = new LinkedHashSet<>();
        Map<String, Set<String>> sections = new java.util.LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            int dot = s.path().indexOf('.');
            if (dot < 0) top.add(s.path());
            else sections.computeIfAbsent(s.path().substring(0, dot), k -> new TreeSet<>()).add(s.path().substring(dot + 1));
        }
        top.add("axes");
        top.addAll(sections.keySet());
        List<String> axisKeys = Axis.ordered().stream().map(Axis::key).toList();

        for (Map.Entry<String, ConfigValue> e : root.entrySet()) {
            String key = e.getKey();
            ConfigValue v = e.getValue();
            if (!top.contains(key)) unknown(key, v, List.copyOf(top), "");
            else if (key.equals("axes") || sections.containsKey(key)) {
                if (!(v instanceof ConfigObject obj)) {
                    problem(v, key, "expected a section { ... }, got " + describe(v));
                    continue;
                }
                List<String> allowed = key.equals("axes") ? axisKeys : List.copyOf(sections.get(key));
                for (Map.Entry<String, ConfigValue> inner : obj.entrySet())
                    if (!allowed.contains(inner.getKey())) unknown(inner.getKey(), inner.getValue(), allowed, key + ".");
            }
        }

        String name = (String) setting(root, Setting.NAME, defaultName);
        long seed = (Long) setting(root, Setting.SEED, null);
        int replicates = (Integer) setting(root, Setting.REPLICATES, null);
        Training training = null;
        int steps = (Integer) setting(root, Setting.STEPS, null);
        int batch = (Integer) setting(root, Setting.BATCH_SIZE, null);
        DatasetKind dataset = (DatasetKind) setting(root, Setting.DATASET, null);
        int samples = (Integer) setting(root, Setting.SAMPLES, null);
        int classes = (Integer) setting(root, Setting.CLASSES, null);
        int inputDim = (Integer) setting(root, Setting.INPUT_DIM, null);
        double testFraction = (Double) setting(root, Setting.TEST_FRACTION, null);
        Precision precision = (Precision) setting(root, Setting.PRECISION, null);
        int every = (Integer) setting(root, Setting.PROBE_EVERY, null);

        Map<Axis, List<Object>> axes = new EnumMap<>(Axis.class);
        if (root.get("axes") instanceof ConfigObject axesObj)
            for (Axis axis : Axis.ordered())
                if (axesObj.containsKey(axis.key())) axes.put(axis, axisValues(axis, axesObj.get(axis.key())));

        if (problems.isEmpty()) {
            training = new Training(steps, batch, dataset, samples, classes, inputDim, testFraction, precision);
            if (batch > training.trainSamples()) {
                ConfigValue where = lookup(root, Setting.BATCH_SIZE.path());
                problem(where, Setting.BATCH_SIZE.path(), "batch size " + batch + " is larger than the "
                        + training.trainSamples() + " training examples (training.samples x (1 - training.test-fraction));"
                        + " lower training.batch-size or raise training.samples");
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(java.util.Comparator.comparingInt(StudyException.Problem::line));
            throw new StudyException(problems);
        }
        Study study = new Study(name, seed, replicates, axes, training, new ProbeSettings(every), file);
        if (study.trialCount() > MAX_TRIALS)
            throw new StudyException(new StudyException.Problem(file, 0, "axes", "the study expands to "
                    + study.trialCount() + " trials, more than the limit of " + MAX_TRIALS + "; split it into smaller studies"));
        return study;
    }

    private List<Object> axisValues(Axis axis, ConfigValue v) {
        String path = "axes." + axis.key();
        List<ConfigValue> items = v instanceof ConfigList list ? new ArrayList<>(list) : List.of(v);
        if (v instanceof ConfigObject) {
            problem(v, path, "expected a list of values, got " + describe(v) + "; allowed: " + axis.domain().allowed());
            return List.of();
        }
        if (items.isEmpty()) {
            problem(v, path, "is empty; give at least one value (" + axis.domain().allowed() + ")");
            return List.of();
        }
        List<Object> out = new ArrayList<>();
        for (ConfigValue item : items) {
            Object value = axisValue(axis, path, item);
            if (value == null) continue;
            if (out.contains(value)) problem(item, path, "value " + axis.format(value) + " is listed twice");
            else out.add(value);
        }
        return out;
    }

    private Object axisValue(Axis axis, String path, ConfigValue item) {
        Axis.Domain d = axis.domain();
        if (d instanceof Axis.Choice c) {
            if (item.valueType() != ConfigValueType.STRING) {
                problem(item, path, "expected a name, got " + describe(item) + "; allowed: " + d.allowed());
                return null;
            }
            String s = (String) item.unwrapped();
            for (Keyed k : c.constants()) if (k.key().equals(s)) return k;
            List<String> keys = c.constants().stream().map(Keyed::key).toList();
            problem(item, path, "unknown value '" + s + "'" + didYouMean(s, keys, "") + "; allowed: " + d.allowed());
            return null;
        }
        if (d instanceof Axis.IntRange r) {
            Long n = integral(item);
            if (n == null) {
                problem(item, path, "expected an integer, got " + describe(item) + "; allowed: " + d.allowed());
                return null;
            }
            if (n < r.min() || n > r.max()) {
                problem(item, path, "value " + n + " is out of range; allowed: " + d.allowed());
                return null;
            }
            return n.intValue();
        }
        Axis.RealRange r = (Axis.RealRange) d;
        if (item.valueType() != ConfigValueType.NUMBER) {
            problem(item, path, "expected a number, got " + describe(item) + "; allowed: " + d.allowed());
            return null;
        }
        double x = ((Number) item.unwrapped()).doubleValue();
        if (!r.contains(x)) {
            problem(item, path, "value " + item.render() + " is out of range; allowed: " + d.allowed());
            return null;
        }
        return x;
    }

    /** Reads a setting, recording a problem and returning the default if it is bad. */
    private Object setting(ConfigObject root, Setting s, Object fallback) {
        Object dflt = s.defaultValue() != null ? s.defaultValue() : fallback;
        ConfigValue v = lookup(root, s.path());
        if (v == null) return dflt;
        Object value = switch (s.kind()) {
            case NAME -> v.valueType() == ConfigValueType.STRING && Study.NAME.matcher((String) v.unwrapped()).matches()
                    ? v.unwrapped() : null;
            case LONG -> integral(v);
            case INT -> {
                Long n = integral(v);
                yield n != null && n >= s.min() && n <= s.max() ? (Object) n.intValue() : null;
            }
            case FRACTION -> v.valueType() == ConfigValueType.NUMBER
                    && ((Number) v.unwrapped()).doubleValue() > 0 && ((Number) v.unwrapped()).doubleValue() < 1
                    ? (Object) ((Number) v.unwrapped()).doubleValue() : null;
            case DATASET -> v.valueType() == ConfigValueType.STRING
                    ? Keyed.byKey(DatasetKind.class, (String) v.unwrapped()).orElse(null) : null;
            case PRECISION -> v.valueType() == ConfigValueType.STRING
                    ? Keyed.byKey(Precision.class, (String) v.unwrapped()).orElse(null) : null;
        };
        if (value == null) {
            problem(v, s.path(), "bad value " + describe(v) + "; allowed: " + s.allowed());
            return dflt;
        }
        return value;
    }

    private static ConfigValue lookup(ConfigObject root, String path) {
        ConfigValue v = root;
        for (String part : path.split("\\.")) {
            if (!(v instanceof ConfigObject o) || !o.containsKey(part)) return null;
            v = o.get(part);
        }
        return v;
    }

    private static Long integral(ConfigValue v) {
        if (v.valueType() != ConfigValueType.NUMBER) return null;
        Number n = (Number) v.unwrapped();
        if (n instanceof Integer || n instanceof Long) return n.longValue();
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < 9e15 ? (long) d : null;
    }

    private void unknown(String key, ConfigValue v, List<String> allowed, String prefix) {
        problem(v, prefix + key, "unknown key" + didYouMean(key, allowed, prefix) + "; allowed here: " + String.join(", ", allowed));
    }

    private static String didYouMean(String bad, List<String> candidates, String prefix) {
        LevenshteinDistance lev = LevenshteinDistance.getDefaultInstance();
        String best = null;
        int bestDist = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = lev.apply(bad, c);
            if (d < bestDist) { bestDist = d; best = c; }
        }
        return best != null && bestDist <= Math.max(2, best.length() / 3) ? " (did you mean '" + prefix + best + "'?)" : "";
    }

    private static String describe(ConfigValue v) {
        return switch (v.valueType()) {
            case STRING -> "'" + v.unwrapped() + "'";
            case NUMBER, BOOLEAN -> v.render();
            case NULL -> "null";
            case LIST -> "a list";
            case OBJECT -> "a section";
        };
    }

    private void problem(ConfigValue v, String key, String message) {
        int line = v == null || v.origin() == null ? 0 : Math.max(0, v.origin().lineNumber());
        problems.add(new StudyException.Problem(file, line, key, message));
    }
}
