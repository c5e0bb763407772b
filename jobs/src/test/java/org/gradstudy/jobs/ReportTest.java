package org.gradstudy.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gradstudy.report.ReportPage;
import org.gradstudy.study.StudyParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code report} of a tiny real study (activation x init gain x depth x learning rate x clipping, 24 trials of
 * 10 steps): every chart drawn and referenced, the seven claims in the page, bad input refused with exit 2.
 */
class ReportTest {
    static SparkSession spark;
    @TempDir static Path dir;
    static Warehouse wh;

    /** 2 x 2 x 2 x 2 x 2 = 32 grid points, less the 8 with clipping at depth 2: 24 trials. */
    static final String STUDY = """
            name = rep
            seed = 11
            axes {
              activation = [relu, sigmoid], init = [scaled-normal], init-gain = [1, 2], depth = [2, 4], width = [16]
              learning-rate = [0.05, 5], clipping = [none, global-l2], clip-threshold = [1]
            }
            exclude = [ { clipping = global-l2, depth = [2] } ]
            training { steps = 10, batch-size = 16, samples = 128, dataset = spirals }
            probe { every = 5 }
            """;

    /** The charts this study gets: profiles, effects per varied axis; both depths of the gain sweep. */
    static final Set<String> CHARTS = Set.of("profile-activation.png", "profile-init-gain.png", "profile-learning-rate.png",
            "profile-clipping.png", "heatmap.png", "divergence.png", "gain-depth-2.png", "gain-depth-4.png",
            "effects-activation.png", "effects-init-gain.png", "effects-learning-rate.png", "effects-clipping.png");

    @BeforeAll static void start() {
        spark = SparkTestSession.create("ReportTest");
        wh = new Warehouse(dir.resolve("wh").toString());
        RunJob.Outcome outcome = RunJob.run(spark, StudyParser.parse(STUDY, "rep.conf", "rep"), wh);
        assertEquals(24, outcome.planned());
    }

    @AfterAll static void stop() { spark.stop(); }

    static ReportJob.Options options(Path out) { return new ReportJob.Options(wh.root(), "rep", out, null, null); }

    /** img src -> {width, height} as the page declares them. */
    static Map<String, int[]> images(String html) {
        Map<String, int[]> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\" width=\"(\\d+)\" height=\"(\\d+)\"").matcher(html);
        while (m.find()) out.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
        return out;
    }

    static Set<String> pngs(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).toList());
        }
    }

    @Test
    void everyChartIsDrawnReferencedAndReadable() throws Exception {
        Path out = dir.resolve("report");
        ReportJob.Result result = ReportJob.run(spark, options(out));
        assertEquals(out.resolve("index.html"), result.index());
        assertEquals(CHARTS, new TreeSet<>(result.charts()));
        assertEquals(CHARTS, pngs(out), "one PNG per chart, nothing else");
        String html = Files.readString(out.resolve("index.html"));
        Map<String, int[]> referenced = images(html);
        assertEquals(CHARTS, referenced.keySet(), "the page shows every chart file and refers to no missing one");
        for (Map.Entry<String, int[]> e : referenced.entrySet()) {
            BufferedImage img = ImageIO.read(out.resolve(e.getKey()).toFile());
            assertNotNull(img, e.getKey() + " is a readable image");
            assertEquals(e.getValue()[0], img.getWidth(), e.getKey());
            assertEquals(e.getValue()[1], img.getHeight(), e.getKey());
            assertEquals(800, img.getWidth(), e.getKey());
        }
        assertEquals(500, ImageIO.read(out.resolve("divergence.png").toFile()).getHeight());
        assertEquals(150 + 34 * 8, ImageIO.read(out.resolve("heatmap.png").toFile()).getHeight(), "8 rows: 4 axes x 2 values");

        // Self-contained: no script, nothing fetched.
        assertFalse(html.contains("<script"), "no script");
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "no external resource");
        assertTrue(html.contains("<title>gradstudy report: rep</title>"));
        assertTrue(html.contains("<tr><th>trials</th><td>24 ("), html);
        assertTrue(html.contains("<tr><th>varied axes</th><td>activation: sigmoid, relu; init-gain: 1.0, 2.0; learning-rate: 0.05, 5.0; "
                + "clipping: none, global-l2</td></tr>"), html);
        assertTrue(html.contains("vanishing: log10 bias-gradient attenuation at init below -2"), "the thresholds used");
        assertTrue(html.contains("with that value at depth 4, of the L2 norm of the bias gradients (param b)"),
                "the profile names the depth (the deepest) and the parameter");

        // The seven claims, each statement (escaped) in a table row with its verdict's class.
        List<Row> claims = spark.sql("SELECT DISTINCT claim, statement, verdict FROM parquet.`" + wh.table("claims")
                + "` WHERE study = 'rep' ORDER BY claim").collectAsList();
        assertEquals(7, claims.size());
        for (Row c : claims) {
            String verdict = c.getAs("verdict");
            assertTrue(html.contains("<tr class=\"claim " + verdict.replace(' ', '-') + "\"><td class=\"n\">" + c.getAs("claim")
                    + "</td><td>" + ReportPage.esc(c.getAs("statement")) + "</td><td class=\"verdict\">" + verdict + "</td>"), c.toString());
        }
        assertEquals(7, html.split("<tr class=\"claim ", -1).length - 1);
    }

    @Test
    void aSecondReportReplacesTheFirstAndLeavesNoTemporaryFiles() throws Exception {
        Path out = dir.resolve("again");
        ReportJob.run(spark, options(out));
        Files.writeString(out.resolve("stale.png"), "left over");
        ReportJob.Result r = ReportJob.run(spark, new ReportJob.Options(wh.root(), "rep", out, 2, "activation"));
        assertEquals(Set.of("profile-activation.png", "heatmap.png", "divergence.png", "gain-depth-2.png", "effects-activation.png"),
                pngs(out), "--depth 2 --axis activation: one profile, one heatmap row set, one gain chart, one effects chart");
        assertEquals(pngs(out), new TreeSet<>(r.charts()));
        assertTrue(Files.exists(out.resolve(ReportPage.MARKER)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".again")).toList(),
                    "no temporary or old directories left beside the report");
        }
    }

    @Test
    void badDepthAxisOrOutputDirectoryAreRefused() throws Exception {
        BadInputException e = assertThrows(BadInputException.class,
                () -> ReportJob.run(spark, new ReportJob.Options(wh.root(), "rep", dir.resolve("r1"), 8, null)));
        assertEquals("--depth 8: study rep has no trials at that depth; depths: 2, 4", e.getMessage());
        e = assertThrows(BadInputException.class, () -> ReportJob.run(spark, new ReportJob.Options(wh.root(), "rep", dir.resolve("r1"), null, "optimizer")));
        assertEquals("--axis optimizer: study rep does not vary it; varied axes: activation, init-gain, learning-rate, clipping", e.getMessage());
        e = assertThrows(BadInputException.class, () -> ReportJob.run(spark, new ReportJob.Options(wh.root(), "rep", dir.resolve("r1"), null, "swish")));
        assertTrue(e.getMessage().startsWith("--axis swish: unknown axis; allowed: activation, leaky-relu-slope, init, "), e.getMessage());
        assertFalse(Files.exists(dir.resolve("r1")), "nothing written");

        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        e = assertThrows(BadInputException.class, () -> ReportJob.run(spark, options(mine)));
        assertEquals("--out " + mine + " is a directory that holds something other than a gradstudy report (no .gradstudy-report "
                + "file in it); pass a new or empty directory, or a previous report's", e.getMessage());
        assertEquals("keep me", Files.readString(mine.resolve("notes.txt")));
    }

    @Test
    void unknownStudyOrMissingAggregatesExit2OnTheCommandLine() throws Exception {
        CommandLineTest.Result r = CommandLineTest.exec("report", "--warehouse", wh.root(), "--study", "nope", "--out", dir.resolve("r2").toString());
        assertEquals(2, r.code());
        assertEquals("gradstudy: warehouse " + wh.root() + ": no study named nope; studies: rep\n", r.err());

        Path bare = dir.resolve("bare");
        Files.createDirectories(bare.resolve("trials/study=raw"));
        r = CommandLineTest.exec("report", "--warehouse", bare.toString(), "--study", "raw", "--out", dir.resolve("r2").toString());
        assertEquals(2, r.code());
        assertEquals("gradstudy: study raw has no aggregate tables yet (missing: trial_metrics, technique_depth, layer_profile, "
                + "technique_effects, claims); run `gradstudy aggregate --warehouse " + bare + " --study raw` first\n", r.err());

        assertEquals(2, CommandLineTest.exec("report", "--warehouse", wh.root()).code(), "--study is required");
        assertFalse(Files.exists(dir.resolve("r2")), "nothing written");
    }
}
