package org.gradstudy.report;

import org.gradstudy.report.ReportCharts.Section;
import org.gradstudy.report.ReportData.ClaimRow;
import org.gradstudy.report.ReportData.DepthCell;
import org.gradstudy.report.ReportData.ProfileRow;
import org.gradstudy.report.ReportData.TrialRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Charts and page from hand-made rows, without Spark: what is drawn, what is said instead, escaping, safe writes. */
class ReportChartsTest {
    @TempDir Path dir;

    static ReportData.Header header() {
        return new ReportData.Header(4, Map.of("ok", 4L), new ReportData.Thresholds(-2, 2, -6), List.of("gradstudy=test"), Instant.EPOCH, false);
    }

    static TrialRow trial(String activation, double gain, int depth, double atten) {
        return new TrialRow(activation, null, "scaled-normal", gain, "none", 0, depth, 64, 0.01, "none", null, "standardized", "ok", atten);
    }

    /** An activation-only study at depth 10: relu keeps the signal, sigmoid loses 0.6 decades per layer. */
    static ReportData activationsOnly(List<TrialRow> trials, List<ClaimRow> claims) {
        List<ProfileRow> profile = new ArrayList<>();
        for (int l = 1; l <= 10; l++) {
            profile.add(new ProfileRow("activation", "relu", 10, l, "b", 2, 0.1, 0.08, 0.12));
            profile.add(new ProfileRow("activation", "sigmoid", 10, l, "b", 2, 0.1 * Math.pow(10, -0.6 * (10 - l)), null, null));
        }
        List<DepthCell> cells = List.of(new DepthCell("activation", "relu", 10, 2, 0.0, 0.0, 0.0),
                new DepthCell("activation", "sigmoid", 10, 2, -5.4, -5.5, -5.3));
        return new ReportData("s", "/wh", header(), profile, cells, trials, List.of(), claims, List.of());
    }

    @Test
    void chartsThatCannotBeDrawnSayWhy() {
        List<TrialRow> trials = List.of(trial("relu", 2, 10, 0), trial("sigmoid", 2, 10, -5.4));
        List<Section> sections = ReportCharts.sections(activationsOnly(trials, List.of()), ReportCharts.Options.defaults());
        assertEquals(List.of("profile", "heatmap", "divergence", "gain", "effects"), sections.stream().map(Section::id).toList());
        assertEquals(List.of("profile-activation.png"), sections.get(0).figures().stream().map(ReportCharts.Figure::file).toList());
        assertEquals(List.of("heatmap.png"), sections.get(1).figures().stream().map(ReportCharts.Figure::file).toList());
        assertEquals(List.of("Not drawn: the study varies neither learning-rate nor clipping (trials that trained or diverged: "
                + "1 learning rate(s), 1 clipping setting(s)); vary both to see whether clipping prevents divergence."), sections.get(2).notes());
        assertEquals(List.of("Not drawn: the study has no gain sweep (plain networks with init = scaled-normal and at least two "
                + "init-gain values, depth >= 2); it has 1 such gain value(s)."), sections.get(3).notes());
        assertTrue(sections.get(4).notes().get(0).startsWith("No matched pairs"), sections.get(4).notes().toString());
        for (int i = 2; i < 5; i++) assertEquals(List.of(), sections.get(i).figures());
    }

    @Test
    void gainSweepTheoryIsTheMeanFieldAttenuation() {
        // relu: chi = g / 2 at every layer, so over depth 10 the signal changes by (g/2)^(9/2): 0 decades at g = 2.
        List<TrialRow> trials = new ArrayList<>();
        for (double g : new double[] {1, 2, 4}) trials.add(trial("relu", g, 10, 4.5 * Math.log10(g / 2)));
        Section gain = ReportCharts.sections(activationsOnly(trials, List.of()), ReportCharts.Options.defaults()).get(3);
        assertEquals(List.of("gain-depth-10.png"), gain.figures().stream().map(ReportCharts.Figure::file).toList());
        XYChart chart = (XYChart) gain.figures().get(0).chart();
        XYSeries theory = chart.getSeriesMap().get("relu (theory)");
        double[] x = theory.getXData(), y = theory.getYData();
        assertEquals(1, x[0], 1e-12);
        assertEquals(4, x[x.length - 1], 1e-9);
        for (int i = 0; i < x.length; i++) assertEquals(4.5 * Math.log10(x[i] / 2), y[i], 1e-9, "g = " + x[i]);
        XYSeries measured = chart.getSeriesMap().get("relu (measured)");
        assertEquals(List.of(1.0, 2.0, 4.0), java.util.Arrays.stream(measured.getXData()).boxed().toList());
        assertTrue(chart.getStyler().isXAxisLogarithmic());
    }

    @Test
    void theDepthOptionPicksTheProfileAndTheNotesNameIt() {
        List<TrialRow> trials = List.of(trial("relu", 2, 10, 0));
        Section profile = ReportCharts.sections(activationsOnly(trials, List.of()), new ReportCharts.Options(3, null)).get(0);
        assertEquals(List.of(), profile.figures());
        assertEquals(List.of("No gradient norms above 0 at depth 3 for activation (every layer's gradient is 0, or layer_profile "
                + "has no rows there)."), profile.notes());
    }

    @Test
    void pageEscapesTableTextAndColoursVerdicts() {
        List<ClaimRow> claims = List.of(
                new ClaimRow(1, "Sigmoid <vanishes> & relu \"less\"", "supported", 1, 0, 0, "<script>alert(1)</script> at depth 10", true),
                new ClaimRow(2, "Xavier suits tanh", "not enough data", 0, 0, 0, "no trials of this study bear on this claim", null));
        ReportData data = activationsOnly(List.of(trial("relu", 2, 10, 0)), claims);
        String html = ReportPage.html(data, ReportCharts.sections(data, ReportCharts.Options.defaults()));
        assertFalse(html.contains("<script"), "table text is escaped");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; at depth 10"));
        assertTrue(html.contains("<tr class=\"claim supported\"><td class=\"n\">1</td><td>Sigmoid &lt;vanishes&gt; &amp; relu &quot;less&quot;</td>"
                + "<td class=\"verdict\">supported</td>"), html);
        assertTrue(html.contains("<tr class=\"claim not-enough-data\"><td class=\"n\">2</td>"), html);
        assertTrue(html.contains("<img src=\"profile-activation.png\" width=\"800\" height=\"500\""), html);
        assertTrue(html.contains("<p class=\"note\">Not drawn: the study varies neither learning-rate nor clipping"), html);
    }

    @Test
    void writeCreatesReplacesReportsOnlyAndLeavesNothingBehind() throws Exception {
        ReportData data = activationsOnly(List.of(trial("relu", 2, 10, 0)), List.of());
        List<Section> sections = ReportCharts.sections(data, ReportCharts.Options.defaults());
        Path out = dir.resolve("r");
        assertEquals(List.of("profile-activation.png", "heatmap.png"), ReportPage.write(out, data, sections));
        assertEquals(800, ImageIO.read(out.resolve("profile-activation.png").toFile()).getWidth());
        assertEquals(150 + 34 * 2, ImageIO.read(out.resolve("heatmap.png").toFile()).getHeight());
        Files.writeString(out.resolve("old.png"), "from before");
        ReportPage.write(out, data, sections);
        assertFalse(Files.exists(out.resolve("old.png")), "the previous report is replaced whole");
        try (var s = Files.list(dir)) {
            assertEquals(List.of("r"), s.map(p -> p.getFileName().toString()).toList(), "no temporary directories left");
        }

        assertNull(ReportPage.refusal(dir.resolve("new")));
        assertNull(ReportPage.refusal(Files.createDirectories(dir.resolve("empty"))));
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("thesis.tex"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReportPage.write(other, data, sections));
        assertTrue(e.getMessage().contains("holds something other than a gradstudy report"), e.getMessage());
        assertEquals(List.of("thesis.tex"), Files.list(other).map(p -> p.getFileName().toString()).toList());
        assertEquals("--out " + other.resolve("thesis.tex") + " is a file; pass a directory for the report",
                ReportPage.refusal(other.resolve("thesis.tex")));
    }
}
