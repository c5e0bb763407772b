package org.gradstudy.report;

import org.gradstudy.report.ReportCharts.Figure;
import org.gradstudy.report.ReportCharts.Section;
import org.gradstudy.report.ReportData.ClaimRow;
import org.gradstudy.study.Axis;
import org.knowm.xchart.BitmapEncoder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The report as a directory: {@code index.html} (self-contained: inline CSS, no script, nothing fetched)
 * beside one PNG per chart, and a {@value #MARKER} file that marks the directory as a report, so a later
 * report may replace it and nothing else is ever replaced. Written atomically: into a temporary sibling
 * directory, then renamed into place.
 */
public final class ReportPage {
    /** The file that marks a directory as a gradstudy report. */
    public static final String MARKER = ".gradstudy-report";
    public static final String INDEX = "index.html";

    private ReportPage() {}

    /**
     * Why {@code out} cannot receive a report, or null if it can: it does not exist, is an empty
     * directory, or holds a previous report (its {@value #MARKER} file).
     */
    public static String refusal(Path out) {
        if (!Files.exists(out)) return null;
        if (!Files.isDirectory(out)) return "--out " + out + " is a file; pass a directory for the report";
        if (Files.exists(out.resolve(MARKER))) return null;
        try (Stream<Path> s = Files.list(out)) {
            if (s.findAny().isEmpty()) return null;
        } catch (IOException e) {
            return "--out " + out + " cannot be read: " + e.getMessage();
        }
        return "--out " + out + " is a directory that holds something other than a gradstudy report (no " + MARKER
                + " file in it); pass a new or empty directory, or a previous report's";
    }

    /**
     * Writes the report of {@code data} with {@code sections} to {@code out}, replacing a previous report
     * there. Returns the chart files written (names relative to {@code out}).
     *
     * @throws IllegalArgumentException when {@link #refusal} refuses {@code out}
     */
    public static List<String> write(Path out, ReportData data, List<Section> sections) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        String why = refusal(target);
        if (why != null) throw new IllegalArgumentException(why);
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        List<String> files = new ArrayList<>();
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // a report is for reading
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            for (Section s : sections)
                for (Figure f : s.figures()) {
                    if (files.contains(f.file())) throw new IllegalStateException("two charts named " + f.file());
                    try (OutputStream o = Files.newOutputStream(tmp.resolve(f.file()))) {
                        BitmapEncoder.saveBitmap(f.chart(), o, BitmapEncoder.BitmapFormat.PNG);
                    }
                    files.add(f.file());
                }
            Files.writeString(tmp.resolve(INDEX), html(data, sections), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(MARKER), "gradstudy report of study " + data.study() + "\n", StandardCharsets.UTF_8);
            swap(tmp, target);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        return files;
    }

    /** Moves {@code tmp} to {@code target}; a previous report there is moved aside first and deleted after. */
    private static void swap(Path tmp, Path target) throws IOException {
        if (!Files.exists(target)) {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Path old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the previous report back
            } catch (FileAlreadyExistsException ignored) {
                // someone else wrote there meanwhile: leave theirs
            }
            throw e;
        }
        deleteTree(old);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    // ---- HTML ----------------------------------------------------------------------------------------------------

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
            h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
            code{background:#f3f3f3;padding:0 .25em;border-radius:3px}
            .meta{color:#666;font-size:.9em}
            table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:.35em .6em;vertical-align:top;text-align:left}
            table.facts th{background:#f6f6f6;white-space:nowrap}
            .how{background:#f6f8fa;border-left:4px solid #0072B2;padding:.5em .8em}
            .note{background:#fff8e1;border-left:4px solid #E69F00;padding:.5em .8em}
            .warn{background:#fdecea;border-left:4px solid #B2182B;padding:.5em .8em}
            figure{margin:1em 0}img{max-width:100%;height:auto;border:1px solid #eee}
            nav ol{columns:2}
            table.claims td.n{text-align:right}
            tr.supported td.verdict{background:#d9f0d3;font-weight:bold}tr.refuted td.verdict{background:#f4cccc;font-weight:bold}
            tr.mixed td.verdict{background:#fff2cc;font-weight:bold}tr.not-enough-data td.verdict{background:#eeeeee;color:#555}
            tr.supported{border-left:6px solid #1b7837}tr.refuted{border-left:6px solid #B2182B}tr.mixed{border-left:6px solid #E69F00}
            tr.not-enough-data{border-left:6px solid #999}
            ul.evidence{margin:0;padding-left:0;list-style:none}.mark{display:inline-block;width:1.2em;font-weight:bold}
            li.yes .mark{color:#1b7837}li.no .mark{color:#B2182B}li.unknown .mark{color:#777}
            """;

    /** The page: header, one section per chart kind, the claims table. Every text from the tables is escaped. */
    public static String html(ReportData data, List<Section> sections) {
        StringBuilder h = new StringBuilder(16_384);
        String study = esc(data.study());
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"gradstudy report\">\n")
                .append("<title>gradstudy report: ").append(study).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        header(h, data);
        h.append("<nav><h2>Contents</h2><ol>\n");
        for (Section s : sections) h.append("<li><a href=\"#").append(esc(s.id())).append("\">").append(esc(s.heading())).append("</a></li>\n");
        h.append("<li><a href=\"#claims\">6. The seven claims with this study's numbers</a></li>\n</ol></nav>\n");
        for (Section s : sections) {
            h.append("<section id=\"").append(esc(s.id())).append("\">\n<h2>").append(esc(s.heading())).append("</h2>\n");
            h.append("<p class=\"how\"><strong>How to read this:</strong> ").append(esc(s.howToRead())).append("</p>\n");
            for (String n : s.notes()) h.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
            for (Figure f : s.figures())
                h.append("<figure><img src=\"").append(esc(f.file())).append("\" width=\"").append(f.width()).append("\" height=\"")
                        .append(f.height()).append("\" alt=\"").append(esc(f.title())).append("\"></figure>\n");
            h.append("</section>\n");
        }
        claims(h, data);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void header(StringBuilder h, ReportData data) {
        ReportData.Header hd = data.header();
        h.append("<header>\n<h1>gradstudy report: study <code>").append(esc(data.study())).append("</code></h1>\n");
        h.append("<p class=\"meta\">Generated ").append(esc(DateTimeFormatter.ISO_INSTANT.format(hd.generated().truncatedTo(ChronoUnit.SECONDS))))
                .append(" from the aggregate tables of warehouse <code>").append(esc(data.warehouse())).append("</code>.</p>\n");
        if (hd.staleAggregates())
            h.append("<p class=\"warn\">The trials table changed after the aggregates were computed: run <code>gradstudy aggregate --warehouse ")
                    .append(esc(data.warehouse())).append(" --study ").append(esc(data.study())).append("</code> and report again.</p>\n");
        h.append("<table class=\"facts\">\n");
        StringBuilder st = new StringBuilder();
        for (Map.Entry<String, Long> e : orderedStatuses(hd.statuses()).entrySet())
            st.append(st.length() == 0 ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey());
        row(h, "trials", hd.trials() + (st.length() == 0 ? "" : " (" + st + ")"));
        StringBuilder axes = new StringBuilder();
        for (Map.Entry<Axis, List<String>> e : data.variedAxes().entrySet())
            axes.append(axes.length() == 0 ? "" : "; ").append(e.getKey().key()).append(": ").append(String.join(", ", e.getValue()));
        row(h, "varied axes", axes.length() == 0 ? "none (besides depth)" : axes.toString());
        row(h, "depths", String.join(", ", data.depths().stream().map(String::valueOf).toList()));
        ReportData.Thresholds t = hd.thresholds();
        row(h, "thresholds", t == null ? "none recorded (no trial metrics)" : String.format(Locale.ROOT,
                "vanishing: log10 bias-gradient attenuation at init below %s, or the first layer's log10 relative gradient "
                        + "||dL/dW|| / ||W|| below %s, or a zero first-layer gradient; exploding: attenuation above %s, or a non-finite "
                        + "gradient or loss. Claims: 'deep' is depth >= 8; matched-pair evidence needs 3 pairs and a 95%% interval clear of 0.",
                ReportCharts.num(t.vanishing()), ReportCharts.num(t.relativeGradient()), ReportCharts.num(t.exploding())));
        row(h, "provenance", hd.versions().isEmpty() ? "unknown" : String.join(" | ", hd.versions()));
        h.append("</table>\n</header>\n");
    }

    private static Map<String, Long> orderedStatuses(Map<String, Long> statuses) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String s : List.of("ok", "diverged", "failed", "timeout")) if (statuses.containsKey(s)) out.put(s, statuses.get(s));
        statuses.forEach(out::putIfAbsent);
        return out;
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void claims(StringBuilder h, ReportData data) {
        h.append("<section id=\"claims\">\n<h2>6. The seven claims with this study's numbers</h2>\n");
        h.append("<p class=\"how\"><strong>How to read this:</strong> ").append(esc(
                "Each claim's evidence rows come from this study's tables (claims table). A row supports it, refutes it, or is "
                        + "inconclusive (too few trials or pairs, or an interval straddling 0). The verdict: supported when at least 75% of "
                        + "the decisive rows support it, refuted when at most 25% do, mixed in between, not enough data without a "
                        + "decisive row. A claim the study's axes do not touch says so."))
                .append("</p>\n");
        Map<Integer, List<ClaimRow>> byClaim = new LinkedHashMap<>();
        data.claims().stream().sorted(Comparator.comparingInt(ClaimRow::claim))
                .forEach(c -> byClaim.computeIfAbsent(c.claim(), k -> new ArrayList<>()).add(c));
        if (byClaim.isEmpty()) {
            h.append("<p class=\"note\">The claims table of this study is empty.</p>\n</section>\n");
            return;
        }
        h.append("<table class=\"claims\">\n<thead><tr><th>#</th><th>claim</th><th>verdict</th><th>supporting</th><th>refuting</th>")
                .append("<th>inconclusive</th><th>evidence</th></tr></thead>\n<tbody>\n");
        for (Map.Entry<Integer, List<ClaimRow>> e : byClaim.entrySet()) {
            ClaimRow c = e.getValue().get(0);
            String verdict = c.verdict() == null ? "unknown" : c.verdict();
            h.append("<tr class=\"claim ").append(esc(verdict.replaceAll("[^a-z]+", "-"))).append("\"><td class=\"n\">").append(c.claim())
                    .append("</td><td>").append(esc(c.statement())).append("</td><td class=\"verdict\">").append(esc(verdict))
                    .append("</td><td class=\"n\">").append(c.supporting()).append("</td><td class=\"n\">").append(c.refuting())
                    .append("</td><td class=\"n\">").append(c.inconclusive()).append("</td><td><ul class=\"evidence\">");
            boolean noEvidence = c.supporting() + c.refuting() + c.inconclusive() == 0;
            for (ClaimRow r : e.getValue()) {
                if (noEvidence) { // the one row that says why there is none
                    h.append("<li class=\"none\">").append(esc(r.evidence())).append("</li>");
                    continue;
                }
                String cls = r.supports() == null ? "unknown" : r.supports() ? "yes" : "no";
                String what = r.supports() == null ? "inconclusive" : r.supports() ? "supports" : "refutes";
                String mark = r.supports() == null ? "?" : r.supports() ? "\u2713" : "\u2717";
                h.append("<li class=\"").append(cls).append("\"><span class=\"mark\" title=\"").append(what).append("\">").append(mark)
                        .append("</span>").append(esc(r.evidence())).append("</li>");
            }
            h.append("</ul></td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    /** HTML-escapes text for element content and attribute values. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
