package org.gradstudy.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.gradstudy.study.Keyed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

/**
 * {@code sql}: Spark SQL over a warehouse. Every table directory of the warehouse becomes a temporary
 * view of its name (trials, layer_stats, ...; partition discovery adds the {@code study} column), then
 * the statements run in order. Results print as an aligned text table, or the last statement's result is
 * written as one CSV file or a Parquet directory, atomically. Bad SQL is bad input: Spark's message with
 * its position and the views that exist, exit 2, nothing written.
 */
public final class SqlJob {
    private static final Logger LOG = LoggerFactory.getLogger(SqlJob.class);

    /** Rows printed by default. */
    public static final int DEFAULT_LIMIT = 1000;

    /** Output formats. */
    public enum Format implements Keyed {
        /** An aligned text table on standard output. */
        TABLE,
        /** One CSV file with a header line, written to --out. */
        CSV,
        /** A Parquet directory, written to --out. */
        PARQUET;

        @Override public String key() { return Keyed.dashed(this); }

        static Format parse(String s) {
            for (Format f : values()) if (f.key().equals(s)) return f;
            throw new BadInputException("unknown --format '" + s + "'; allowed: table, csv, parquet");
        }
    }

    /** One statement of a script: its 1-based number and the line of the script it starts at. */
    public record Statement(int number, int line, String text) {}

    /** SQL to run and where it came from (for messages): "query", a file, or a named query. */
    public record Script(String origin, List<Statement> statements) {
        public Script {
            statements = List.copyOf(statements);
            if (statements.isEmpty()) throw new BadInputException(origin + ": no SQL statement in it");
        }
    }

    /**
     * @param format    how to output
     * @param out       file (csv) or directory (parquet) to write; null for table
     * @param overwrite replace an existing {@code out}
     * @param limit     rows printed per result (0 = all)
     * @param truncate  characters printed per cell (0 = all)
     */
    public record Options(Warehouse warehouse, Script script, Format format, String out, boolean overwrite, int limit, int truncate) {
        public Options {
            if (limit < 0 || truncate < 0) throw new BadInputException("--limit and --truncate must be >= 0 (0 = no limit)");
            if (truncate > 0 && truncate < 4) throw new BadInputException("--truncate must be 0 (no limit) or at least 4");
            if (format == Format.TABLE && out != null)
                throw new BadInputException("--out is for --format csv or parquet; the table format prints");
            if (format != Format.TABLE && out == null)
                throw new BadInputException("--format " + format.key() + " needs --out PATH");
        }
    }

    /** A named query: file {@code <name>.sql} and the first line of its header comment. */
    public record Named(String name, Path file, String description) {}

    private SqlJob() {}

    // ---- Scripts ---------------------------------------------------------------------------------

    /** One statement given on the command line (a trailing semicolon, or several statements, are fine). */
    public static Script inline(String sql) {
        return new Script("query", split(sql));
    }

    /** The statements of a file. */
    public static Script file(Path file) {
        return new Script(file.toString(), split(read(file, "SQL file")));
    }

    /** The named query {@code name} of {@code dir} (conf/sql/queries). */
    public static Script named(Path dir, String name) {
        List<Named> all = list(dir);
        for (Named n : all)
            if (n.name().equals(name)) return new Script("query " + name + " (" + n.file() + ")", split(read(n.file(), "query")));
        throw new BadInputException("no named query '" + name + "' in " + dir + "; named queries: "
                + String.join(", ", all.stream().map(Named::name).toList()));
    }

    /**
     * The named queries directory: {@code conf/sql/queries} of the installation the launcher runs from
     * (system property gradstudy.home), else of the working directory.
     */
    public static Path queriesDir() { return Installation.conf("sql", "queries"); }

    /** Every named query of {@code dir}, by name. */
    public static List<Named> list(Path dir) {
        if (!Files.isDirectory(dir))
            throw new BadInputException("no named queries: directory " + dir.toAbsolutePath() + " does not exist "
                    + "(bin/gradstudy finds the conf/ next to it; otherwise run from a directory holding conf/sql/queries)");
        try (Stream<Path> files = Files.list(dir)) {
            List<Named> out = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".sql")) continue;
                String first = read(f, "query").lines().filter(l -> l.startsWith("--")).findFirst().orElse("--");
                out.add(new Named(n.substring(0, n.length() - 4), f, first.substring(2).trim()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException(what + " " + file + " not found");
        } catch (IOException e) {
            throw new BadInputException(what + " " + file + ": cannot be read: " + e.getMessage());
        }
    }

    /**
     * Splits SQL text at the semicolons outside string literals, quoted identifiers and comments; drops
     * statements with nothing but comments. Each statement keeps its comments and starts at its first
     * character that is not white space.
     */
    static List<Statement> split(String sql) {
        List<Statement> out = new ArrayList<>();
        int start = 0, line = 1, startLine = 1, depth = 0;
        boolean code = false; // the current statement has something besides comments
        char quote = 0;       // ', " or ` while inside one
        boolean lineComment = false;
        for (int i = 0; i <= sql.length(); i++) {
            char c = i < sql.length() ? sql.charAt(i) : ';';
            char next = i + 1 < sql.length() ? sql.charAt(i + 1) : 0;
            boolean end = i == sql.length();
            if (!end && lineComment) {
                if (c == '\n') lineComment = false;
            } else if (!end && depth > 0) {
                if (c == '*' && next == '/') { depth--; i++; }
                else if (c == '/' && next == '*') { depth++; i++; }
            } else if (!end && quote != 0) {
                if (c == '\\' && quote != '`') i++; // an escaped character, maybe the quote
                else if (c == quote) quote = 0;
            } else if (!end && c == '-' && next == '-') {
                lineComment = true;
                i++;
            } else if (!end && c == '/' && next == '*') {
                depth = 1;
                i++;
            } else if (c == ';') {
                if (code) {
                    String raw = sql.substring(start, Math.min(i, sql.length()));
                    int lead = 0;
                    while (Character.isWhitespace(raw.charAt(lead))) lead++;
                    int first = startLine + (int) raw.substring(0, lead).chars().filter(ch -> ch == '\n').count();
                    out.add(new Statement(out.size() + 1, first, raw.strip()));
                }
                start = i + 1;
                startLine = line;
                code = false;
            } else {
                if (c == '\'' || c == '"' || c == '`') quote = c;
                if (!Character.isWhitespace(c)) code = true;
            }
            if (i < sql.length() && sql.charAt(i) == '\n') line++;
        }
        return out;
    }

    // ---- The warehouse ---------------------------------------------------------------------------

    /**
     * The table directories of the warehouse: directories directly under it, named like SQL identifiers
     * and not starting with _ (staging), holding at least one Parquet file. Fails with
     * {@link BadInputException} when the warehouse is missing, not a directory, or holds no table.
     */
    public static List<String> tables(Warehouse warehouse, Configuration hadoop) {
        try {
            org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(warehouse.root());
            FileSystem fs = root.getFileSystem(hadoop);
            if (!fs.exists(root))
                throw new BadInputException("warehouse " + warehouse.root() + " does not exist; pass --warehouse with the directory "
                        + "`gradstudy run` wrote its tables to");
            if (!fs.getFileStatus(root).isDirectory())
                throw new BadInputException("warehouse " + warehouse.root() + " is a file, not a directory; pass --warehouse with a directory");
            List<String> out = new ArrayList<>();
            for (FileStatus d : fs.listStatus(root)) {
                String name = d.getPath().getName();
                if (!d.isDirectory() || name.startsWith("_") || name.startsWith(".")) continue;
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    LOG.warn("warehouse {}: directory {} is not a valid view name; skipped", warehouse.root(), name);
                    continue;
                }
                if (hasParquet(fs, d.getPath())) out.add(name);
                else LOG.warn("warehouse {}: directory {} holds no Parquet file; no view", warehouse.root(), name);
            }
            if (out.isEmpty())
                throw new BadInputException("warehouse " + warehouse.root() + " holds no tables (no directory of Parquet files such as "
                        + "trials/ or layer_stats/); write them with: gradstudy run STUDY --warehouse " + warehouse.root());
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new BadInputException("warehouse " + warehouse.root() + ": cannot be read: " + e.getMessage());
        }
    }

    private static boolean hasParquet(FileSystem fs, org.apache.hadoop.fs.Path dir) throws IOException {
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
        while (files.hasNext()) {
            String n = files.next().getPath().getName();
            if (n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_")) return true;
        }
        return false;
    }

    /**
     * Registers a temporary view for every table of the warehouse, its columns commented from the
     * catalogue (DESCRIBE shows them); returns their names.
     */
    public static List<String> registerViews(SparkSession spark, Warehouse warehouse) {
        List<String> names = tables(warehouse, spark.sparkContext().hadoopConfiguration());
        for (String t : names) Tables.withComments(spark.read().parquet(warehouse.table(t)), t).createOrReplaceTempView(t);
        return names;
    }

    /** Fails with {@link BadInputException} when {@code out} exists and may not be replaced. */
    public static void checkOut(String out, boolean overwrite, Configuration hadoop) {
        if (out == null || overwrite) return;
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(out);
            if (p.getFileSystem(hadoop).exists(p))
                throw new BadInputException("--out " + out + " already exists; remove it, choose another path or pass --overwrite");
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot be checked: " + e.getMessage());
        }
    }

    // ---- Running ---------------------------------------------------------------------------------

    /**
     * Runs {@code options}' script in {@code spark} over the warehouse's views, printing to {@code out}.
     * Every statement is parsed and analyzed before any result is printed or written.
     */
    public static void run(SparkSession spark, Options options, PrintStream out) {
        List<String> views = registerViews(spark, options.warehouse());
        checkOut(options.out(), options.overwrite(), spark.sparkContext().hadoopConfiguration());
        Script script = options.script();
        List<Dataset<Row>> results = new ArrayList<>();
        for (Statement s : script.statements()) {
            try {
                results.add(spark.sql(s.text())); // analyzes now; commands (SET, CREATE VIEW) run now
            } catch (Exception e) { // Scala's checked AnalysisException (ParseException is one) and the rest
                if (!(e instanceof AnalysisException a)) throw e;
                String where = script.statements().size() > 1 || s.line() > 1
                        ? script.origin() + ", statement " + s.number() + " (from line " + s.line() + ")" : script.origin();
                String msg = a instanceof ParseException ? a.getMessage().strip() : a.getSimpleMessage().strip();
                throw new BadInputException(where + ": " + msg + "\nviews: " + String.join(", ", views)
                        + " (warehouse " + options.warehouse().root() + ")");
            }
        }
        if (options.format() == Format.TABLE) {
            ZoneId zone = ZoneId.of(spark.conf().get("spark.sql.session.timeZone"));
            boolean several = results.stream().filter(r -> r.schema().nonEmpty()).count() > 1;
            boolean first = true;
            for (int i = 0; i < results.size(); i++) {
                Dataset<Row> r = results.get(i);
                if (r.schema().isEmpty()) continue; // a command without output
                if (!first) out.println();
                first = false;
                if (several) out.println("-- statement " + (i + 1) + ": " + firstLine(script.statements().get(i).text()));
                out.print(render(r, options.limit(), options.truncate(), zone));
            }
        } else {
            Dataset<Row> last = results.get(results.size() - 1);
            if (last.schema().isEmpty())
                throw new BadInputException(script.origin() + ": the last statement returns no columns to write to " + options.out());
            long rows = write(spark, last, options.format(), options.out(), options.overwrite());
            out.println("wrote " + rows + (rows == 1 ? " row" : " rows") + " to " + options.out() + " (" + options.format().key() + ")");
        }
    }

    private static String firstLine(String text) {
        String l = text.lines().filter(x -> !x.isBlank() && !x.strip().startsWith("--")).findFirst().orElse(text).strip();
        return l.length() > 70 ? l.substring(0, 67) + "..." : l;
    }

    /**
     * Writes {@code rows} to {@code out} atomically: Spark writes into a hidden temporary directory next to
     * it, which (parquet) or whose single CSV file (csv) is then renamed to {@code out}. Returns the row count.
     */
    static long write(SparkSession spark, Dataset<Row> rows, Format format, String out, boolean overwrite) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(out);
        FileSystem fs;
        try {
            fs = target.getFileSystem(hadoop);
            target = fs.makeQualified(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        Observation counted = new Observation("gradstudy sql rows");
        Dataset<Row> observed = rows.observe(counted, count(lit(1)).as("rows"));
        try {
            if (format == Format.CSV) observed.coalesce(1).write().option("header", "true").csv(tmp.toString());
            else observed.write().parquet(tmp.toString());
            org.apache.hadoop.fs.Path result = tmp;
            if (format == Format.CSV) {
                List<org.apache.hadoop.fs.Path> parts = new ArrayList<>();
                for (FileStatus f : fs.listStatus(tmp)) if (f.getPath().getName().startsWith("part-")) parts.add(f.getPath());
                if (parts.size() != 1) throw new IllegalStateException("expected one CSV file in " + tmp + ", found " + parts.size());
                result = parts.get(0);
            }
            if (fs.exists(target)) {
                if (!overwrite) throw new BadInputException("--out " + out + " appeared while the query ran; nothing written");
                fs.delete(target, true);
            }
            if (!fs.rename(result, target)) throw new IOException("cannot rename " + result + " to " + target);
            // The local file system keeps a hidden .crc beside each file; a CSV is for people and other tools.
            if (format == Format.CSV && fs instanceof org.apache.hadoop.fs.ChecksumFileSystem c) fs.delete(c.getChecksumFile(target), false);
            Map<String, Object> m = counted.getAsJava();
            return ((Number) m.get("rows")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting the rows written to " + out, e);
        } finally {
            try {
                if (fs.exists(tmp)) fs.delete(tmp, true);
            } catch (IOException e) {
                LOG.warn("could not remove {}: {}", tmp, e.getMessage());
            }
        }
    }

    // ---- Printing --------------------------------------------------------------------------------

    /**
     * {@code rows} as an aligned text table: a header, numbers right-aligned, doubles with 6 significant
     * digits, nulls as NULL, at most {@code limit} rows (0 = all; says when there are more) and
     * {@code truncate} characters per cell (0 = all). Timestamps print in {@code zone}.
     */
    static String render(Dataset<Row> rows, int limit, int truncate, ZoneId zone) {
        StructField[] fields = rows.schema().fields();
        List<Column> cols = new ArrayList<>();
        String[] tmpNames = new String[fields.length]; // names may repeat (a.x, b.x): select by position
        for (int i = 0; i < fields.length; i++) tmpNames[i] = "c" + i;
        for (int i = 0; i < fields.length; i++) {
            DataType t = fields[i].dataType();
            boolean nested = t instanceof ArrayType || t instanceof MapType || t instanceof StructType || t instanceof BinaryType;
            cols.add(nested ? col(tmpNames[i]).cast("string") : col(tmpNames[i]));
        }
        Dataset<Row> shown = rows.toDF(tmpNames).select(cols.toArray(Column[]::new));
        List<Row> data = limit > 0 ? shown.limit(limit + 1).collectAsList() : shown.collectAsList();
        boolean more = limit > 0 && data.size() > limit;
        if (more) data = data.subList(0, limit);

        int n = fields.length;
        boolean[] right = new boolean[n];
        int[] width = new int[n];
        for (int i = 0; i < n; i++) {
            right[i] = fields[i].dataType() instanceof NumericType;
            width[i] = fields[i].name().length();
        }
        List<String[]> cells = new ArrayList<>(data.size());
        for (Row r : data) {
            String[] c = new String[n];
            for (int i = 0; i < n; i++) {
                c[i] = cut(cell(r.get(i), zone), truncate);
                width[i] = Math.max(width[i], c[i].length());
            }
            cells.add(c);
        }
        StringBuilder sb = new StringBuilder();
        String[] header = new String[n];
        String[] rule = new String[n];
        for (int i = 0; i < n; i++) {
            header[i] = fields[i].name();
            rule[i] = "-".repeat(width[i]);
        }
        line(sb, header, width, right);
        line(sb, rule, width, right);
        for (String[] c : cells) line(sb, c, width, right);
        if (more) sb.append("(first ").append(limit).append(limit == 1 ? " row" : " rows").append(" shown; the result has more: raise --limit, ")
                .append("or write it all with --format csv --out FILE)\n");
        else sb.append('(').append(data.size()).append(data.size() == 1 ? " row)\n" : " rows)\n");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, boolean[] right) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) l.append("  ");
            String pad = " ".repeat(width[i] - cells[i].length());
            l.append(right[i] ? pad + cells[i] : cells[i] + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).toFormatter(Locale.ROOT);

    /** The printed text of one value. */
    static String cell(Object v, ZoneId zone) {
        if (v == null) return "NULL";
        if (v instanceof Double d) return compact(d);
        if (v instanceof Float f) return compact(f);
        if (v instanceof BigDecimal b) return compact(b.doubleValue());
        if (v instanceof Timestamp t) return TIME.format(t.toInstant().atZone(zone));
        if (v instanceof java.time.Instant t) return TIME.format(t.atZone(zone));
        if (v instanceof LocalDateTime t) return TIME.format(t);
        if (v instanceof String s) return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return String.valueOf(v);
    }

    /** A double with 6 significant digits (printf %.6g) without trailing zeros: 0.1, 2, 1.23457e+06, NaN. */
    static String compact(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        String s = String.format(Locale.ROOT, "%.6g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.contains(".")) mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        return mantissa + exponent;
    }

    private static String cut(String s, int max) {
        return max > 0 && s.length() > max ? s.substring(0, max - 3) + "..." : s;
    }
}
