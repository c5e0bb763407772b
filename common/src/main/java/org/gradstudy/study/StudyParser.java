package org.gradstudy.study;

import static org.gradstudy.study.ConfigValues.describe;
import static org.gradstudy.study.ConfigValues.didYouMean;
import static org.gradstudy.study.ConfigValues.integral;
import static org.gradstudy.study.ConfigValues.line;
import static org.gradstudy.study.ConfigValues.lookup;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

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
        top.add("exclude");
        top.addAll(sections.keySet());
        List<String> axisKeys = Axis.ordered().stream().map(Axis::key).toList();

        for (Map.Entry<String, ConfigValue> e : root.entrySet()) {
            String key = e.getKey();
            ConfigValue v = e.getValue();
            if (!top.contains(key)) unknown(key, v, List.copyOf(top), "");
            else if (key.equals("exclude")) continue;
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
        String dataFile = (String) setting(root, Setting.FILE, null);
        String labelColumn = (String) setting(root, Setting.LABEL_COLUMN, null);
        double smallStd = (Double) setting(root, Setting.SMALL_STD, null);
        double largeStd = (Double) setting(root, Setting.LARGE_STD, null);
        int every = (Integer) setting(root, Setting.PROBE_EVERY, null);
        int first = (Integer) setting(root, Setting.PROBE_FIRST, null);
        int logSpaced = (Integer) setting(root, Setting.PROBE_LOG_SPACED, null);
        Analysis analysis = new Analysis((Double) setting(root, Setting.VANISHING_LOG10, null),
                (Double) setting(root, Setting.EXPLODING_LOG10, null), (Double) setting(root, Setting.RELATIVE_GRADIENT_LOG10, null));
        dataFile = dataFile(root, dataset, dataFile);

        Map<Axis, List<Object>> axes = new EnumMap<>(Axis.class);
        Map<Axis, Integer> lines = new EnumMap<>(Axis.class);
        if (root.get("axes") instanceof ConfigObject axesObj)
            for (Axis axis : Axis.ordered())
                if (axesObj.containsKey(axis.key())) {
                    axes.put(axis, axisValues(axis, axesObj.get(axis.key())));
                    lines.put(axis, line(axesObj.get(axis.key())));
                }
        List<Exclusion> exclusions = exclusions(root.get("exclude"));
        Sampling sampling = (Sampling) setting(root, Setting.SAMPLING, null);
        int sampleSize = (Integer) setting(root, Setting.TRIALS, null);
        String searchKind = (String) setting(root, Setting.SEARCH, null);
        Axis searchAxis = (Axis) setting(root, Setting.SEARCH_AXIS, null);
        double tolerance = (Double) setting(root, Setting.SEARCH_TOLERANCE, null);
        int maxRounds = (Integer) setting(root, Setting.SEARCH_MAX_ROUNDS, null);
        Search search = null;
        Map<Axis, Range> ranges = new EnumMap<>(Axis.class);
        for (Map.Entry<Axis, List<Object>> e : new java.util.ArrayList<>(axes.entrySet()))
            if (e.getValue().size() == 1 && e.getValue().get(0) instanceof Range r) {
                ranges.put(e.getKey(), r);
                axes.remove(e.getKey());
            }
        if (sampling != Sampling.GRID && sampleSize < 1)
            problem(lookup(root, "sampling"), "trials", "missing: sampling = " + sampling.key() + " needs trials = N (points to draw)");
        if (sampling == Sampling.GRID && lookup(root, "trials") != null)
            problem(lookup(root, "trials"), "trials", "is only used with sampling = random or sobol");
        if ("boundary".equals(searchKind)) {
            search = new Search(searchAxis, tolerance, maxRounds);
            if (sampling != Sampling.GRID)
                problem(lookup(root, "search"), "search", "boundary search runs on the grid of the other axes: remove sampling = " + sampling.key());
            if (!ranges.containsKey(searchAxis))
                problem(lookup(root, "boundary") != null ? lookup(root, "boundary") : lookup(root, "search"), "boundary.axis", "the searched axis " + searchAxis.key()
                        + " must be declared as a range in axes, e.g. " + searchAxis.key() + " = { uniform = [0.25, 4.0] }");
            for (Axis a : ranges.keySet())
                if (a != searchAxis)
                    problems.add(new StudyException.Problem(file, lines.getOrDefault(a, 0), "axes." + a.key(),
                            "a range needs sampling = random or sobol; with search = boundary only " + searchAxis.key() + " may be a range"));
        } else {
            if (lookup(root, "boundary") != null) problem(lookup(root, "boundary"), "boundary", "is only used with search = boundary");
            if (sampling == Sampling.GRID)
                for (Axis a : ranges.keySet())
                    problems.add(new StudyException.Problem(file, lines.getOrDefault(a, 0), "axes." + a.key(),
                            "a range needs sampling = random or sobol (or search = boundary); list values for a grid"));
        }

        if (problems.isEmpty()) {
            training = new Training(steps, batch, dataset, samples, classes, inputDim, testFraction, precision,
                    smallStd, largeStd, dataFile, labelColumn, null);
            if (dataset != DatasetKind.FILE && batch > training.trainSamples()) {
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
        Study study = new Study(name, seed, replicates, axes, training, new ProbeSettings(every, first, logSpaced),
                exclusions, lines, file, sampling, sampleSize, ranges, search, analysis);
        if (study.trialCount() > MAX_TRIALS)
            throw new StudyException(new StudyException.Problem(file, 0, "axes", "the study expands to "
                    + study.trialCount() + " trials, more than the limit of " + MAX_TRIALS + "; split it into smaller studies"));
        return study;
    }

    private List<Object> axisValues(Axis axis, ConfigValue v) { return axisValues(axis, v, "axes." + axis.key()); }

    private List<Object> axisValues(Axis axis, ConfigValue v, String path) {
        List<ConfigValue> items = v instanceof ConfigList list ? new ArrayList<>(list) : List.of(v);
        if (v instanceof ConfigObject o) {
            Range r = path.startsWith("axes.") ? range(axis, path, o) : null;
            if (r == null && !path.startsWith("axes.") || r == null && o.size() != 1)
                problem(v, path, "expected a list of values" + (path.startsWith("axes.") ? " or a range like { uniform = [a, b] }" : "")
                        + ", got " + describe(v) + "; allowed: " + axis.domain().allowed());
            return r == null ? List.of() : List.of(r);
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

    /** { law = [low, high] } for a numeric axis; null (with a problem recorded) when malformed. */
    private Range range(Axis axis, String path, ConfigObject o) {
        List<String> laws = java.util.Arrays.stream(Range.Law.values()).map(Range.Law::key).toList();
        if (o.size() != 1) return null;
        String lawKey = o.keySet().iterator().next();
        ConfigValue bounds = o.get(lawKey);
        Range.Law law = Keyed.byKey(Range.Law.class, lawKey).orElse(null);
        if (law == null) {
            problem(bounds, path, "unknown range '" + lawKey + "'" + didYouMean(lawKey, laws, "") + "; allowed: " + String.join(", ", laws));
            return null;
        }
        boolean integerAxis = axis.domain() instanceof Axis.IntRange;
        if (!(axis.domain() instanceof Axis.IntRange) && !(axis.domain() instanceof Axis.RealRange)) {
            problem(bounds, path, "a range needs a numeric axis; list the values of " + axis.key());
            return null;
        }
        if (law.integer() != integerAxis) {
            problem(bounds, path, (integerAxis ? "an integer axis takes int-uniform or int-log-uniform" : "a real axis takes uniform or log-uniform")
                    + ", not " + lawKey);
            return null;
        }
        if (!(bounds instanceof ConfigList b) || b.size() != 2 || b.get(0).valueType() != ConfigValueType.NUMBER
                || b.get(1).valueType() != ConfigValueType.NUMBER) {
            problem(bounds, path, "expected " + lawKey + " = [low, high], got " + describe(bounds));
            return null;
        }
        Object lo = axisValue(axis, path, b.get(0)), hi = axisValue(axis, path, b.get(1));
        if (lo == null || hi == null) return null;
        double low = ((Number) lo).doubleValue(), high = ((Number) hi).doubleValue();
        if (!(low < high)) {
            problem(bounds, path, "range low " + b.get(0).render() + " must be below high " + b.get(1).render());
            return null;
        }
        if (law.logarithmic() && !(low > 0)) {
            problem(bounds, path, lawKey + " needs low > 0, got " + b.get(0).render());
            return null;
        }
        return new Range(law, low, high);
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
        if (s.kind() == Setting.Kind.AXIS_NAME && dflt instanceof String name)
            dflt = Axis.ordered().stream().filter(a -> a.key().equals(name)).findFirst().orElseThrow();
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
            case POSITIVE -> v.valueType() == ConfigValueType.NUMBER && ((Number) v.unwrapped()).doubleValue() > 0
                    && Double.isFinite(((Number) v.unwrapped()).doubleValue()) ? (Object) ((Number) v.unwrapped()).doubleValue() : null;
            case NEGATIVE -> v.valueType() == ConfigValueType.NUMBER && ((Number) v.unwrapped()).doubleValue() < 0
                    && Double.isFinite(((Number) v.unwrapped()).doubleValue()) ? (Object) ((Number) v.unwrapped()).doubleValue() : null;
            case TEXT -> v.valueType() == ConfigValueType.STRING && !((String) v.unwrapped()).isBlank() ? v.unwrapped() : null;
            case DATASET -> v.valueType() == ConfigValueType.STRING
                    ? Keyed.byKey(DatasetKind.class, (String) v.unwrapped()).orElse(null) : null;
            case PRECISION -> v.valueType() == ConfigValueType.STRING
                    ? Keyed.byKey(Precision.class, (String) v.unwrapped()).orElse(null) : null;
            case SAMPLING -> v.valueType() == ConfigValueType.STRING
                    ? Keyed.byKey(Sampling.class, (String) v.unwrapped()).orElse(null) : null;
            case SEARCH_KIND -> v.valueType() == ConfigValueType.STRING && List.of("none", "boundary").contains(v.unwrapped())
                    ? v.unwrapped() : null;
            case AXIS_NAME -> v.valueType() == ConfigValueType.STRING
                    ? Axis.ordered().stream().filter(a -> a.key().equals(v.unwrapped())).findFirst().orElse(null) : null;
        };
        if (value == null) {
            problem(v, s.path(), "bad value " + describe(v) + "; allowed: " + s.allowed());
            return dflt;
        }
        return value;
    }

    /** The data file, resolved against the study file's directory; checked when it is a local path. */
    private String dataFile(ConfigObject root, DatasetKind dataset, String given) {
        ConfigValue v = lookup(root, Setting.FILE.path());
        if (dataset != DatasetKind.FILE) {
            if (v != null) problem(v, Setting.FILE.path(), "is only used with training.dataset = file");
            return null;
        }
        if (given == null || given.isEmpty()) {
            problem(lookup(root, Setting.DATASET.path()), Setting.FILE.path(),
                    "missing: training.dataset = file needs training.file = \"path/to/data.parquet\" (or .csv)");
            return null;
        }
        if (given.contains("://")) return given; // a Hadoop URI: the driver checks it when it loads the data
        Path base = Path.of(file).toAbsolutePath().getParent();
        Path p = base == null ? Path.of(given) : base.resolve(given).normalize();
        if (!Files.exists(p)) {
            problem(v, Setting.FILE.path(), "file not found: " + p);
            return null;
        }
        if (!Files.isReadable(p)) problem(v, Setting.FILE.path(), "file not readable: " + p);
        return p.toString();
    }

    /** exclude = [ { axis = value or [values] or { not = [values] }, ... }, ... ] */
    private List<Exclusion> exclusions(ConfigValue v) {
        List<Exclusion> out = new ArrayList<>();
        if (v == null) return out;
        if (!(v instanceof ConfigList list)) {
            problem(v, "exclude", "expected a list of rules like [ { activation = [selu], init = { not = [lecun-normal] } } ], got " + describe(v));
            return out;
        }
        List<String> axisKeys = Axis.ordered().stream().map(Axis::key).toList();
        for (ConfigValue item : list) {
            if (!(item instanceof ConfigObject rule) || rule.isEmpty()) {
                problem(item, "exclude", "each rule is a non-empty { axis = [values] } section, got " + describe(item));
                continue;
            }
            Map<Axis, Set<Object>> values = new EnumMap<>(Axis.class);
            Map<Axis, Boolean> negated = new EnumMap<>(Axis.class);
            for (Map.Entry<String, ConfigValue> e : rule.entrySet()) {
                Axis axis = Axis.ordered().stream().filter(a -> a.key().equals(e.getKey())).findFirst().orElse(null);
                if (axis == null) {
                    unknown(e.getKey(), e.getValue(), axisKeys, "exclude.");
                    continue;
                }
                ConfigValue spec = e.getValue();
                boolean not = false;
                if (spec instanceof ConfigObject o) {
                    if (o.size() != 1 || !o.containsKey("not")) {
                        problem(spec, "exclude." + axis.key(), "expected a value, a list, or { not = [values] }");
                        continue;
                    }
                    not = true;
                    spec = o.get("not");
                }
                values.put(axis, new java.util.LinkedHashSet<>(axisValues(axis, spec, "exclude." + axis.key())));
                negated.put(axis, not);
            }
            out.add(new Exclusion(line(item), values, negated));
        }
        return out;
    }

    private void unknown(String key, ConfigValue v, List<String> allowed, String prefix) {
        problem(v, prefix + key, "unknown key" + didYouMean(key, allowed, prefix) + "; allowed here: " + String.join(", ", allowed));
    }

    private void problem(ConfigValue v, String key, String message) {
        problems.add(new StudyException.Problem(file, line(v), key, message));
    }
}
