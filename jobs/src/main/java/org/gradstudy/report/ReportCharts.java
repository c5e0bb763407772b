package org.gradstudy.report;

import org.gradstudy.report.ReportData.BoundaryRow;
import org.gradstudy.report.ReportData.DepthCell;
import org.gradstudy.report.ReportData.EffectRow;
import org.gradstudy.report.ReportData.ProfileRow;
import org.gradstudy.report.ReportData.TrialRow;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Clipping;
import org.gradstudy.study.Keyed;
import org.gradstudy.theory.MeanField;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The charts of a study report, built with XChart from plain {@link ReportData} rows: one
 * {@link Section} per chart kind, each with its figures, or a note saying why there is none.
 * Nothing here touches Spark or the file system; {@link ReportPage} renders and writes.
 */
public final class ReportCharts {
    static {
        // Charts are drawn off-screen: no display needed (set before the first AWT class loads).
        System.setProperty("java.awt.headless", "true");
    }

    /** Size of a line chart, in pixels. */
    public static final int WIDTH = 800, HEIGHT = 500;

    /** Training-time axes: their matched-pair effect is shown on the divergence rate rather than on attenuation at init (which they cannot change). */
    static final Set<Axis> TRAINING_AXES = Set.of(Axis.LEARNING_RATE, Axis.OPTIMIZER, Axis.CLIPPING, Axis.CLIP_THRESHOLD, Axis.L2);

    /** Okabe-Ito colours (safe for colour-blind readers), then a few more. */
    private static final Color[] PALETTE = {
            new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7), new Color(0xE69F00),
            new Color(0x56B4E9), new Color(0x000000), new Color(0x8C564B), new Color(0x999999), new Color(0xBCBD22)};
    private static final BasicStroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f);

    /** The end of an interval bar: a short horizontal stroke. */
    private static final org.knowm.xchart.style.markers.Marker CAP = new org.knowm.xchart.style.markers.Marker() {
        @Override public void paint(java.awt.Graphics2D g, double x, double y, int size) {
            g.setStroke(new BasicStroke(2f));
            g.draw(new java.awt.geom.Line2D.Double(x - size / 1.5, y, x + size / 1.5, y));
        }
    };

    private ReportCharts() {}

    /**
     * What to draw: {@code depth} for the per-layer profiles and the gain sweep (null: the deepest for
     * profiles, every depth for the gain sweep); {@code axis} restricts the per-axis charts (profiles,
     * heatmap, effects) to one axis (null: every varied axis).
     */
    public record Options(Integer depth, Axis axis) {
        public static Options defaults() { return new Options(null, null); }
    }

    /** A chart to be written as {@code file} (a PNG of {@code width} x {@code height} pixels). */
    public record Figure(String file, String title, int width, int height, Chart<?, ?> chart) {
        public Figure {
            if (!file.matches("[a-z0-9][a-z0-9._-]*\\.png")) throw new IllegalArgumentException("bad chart file name " + file);
        }
    }

    /** One part of the page: a heading, a line on how to read it, its figures and notes (shown when a chart cannot be drawn). */
    public record Section(String id, String heading, String howToRead, List<Figure> figures, List<String> notes) {
        public Section {
            figures = List.copyOf(figures);
            notes = List.copyOf(notes);
        }
    }

    /** The five chart sections of the report, in page order. */
    public static List<Section> sections(ReportData data, Options options) {
        return List.of(profiles(data, options), heatmap(data, options), divergence(data), gainSweep(data, options), effects(data, options));
    }

    // ---- 1. gradient norm versus layer ---------------------------------------------------------------------------

    static Section profiles(ReportData data, Options options) {
        List<Integer> depths = new ArrayList<>(new TreeSet<>(data.profile().stream().map(ProfileRow::depth).toList()));
        Integer depth = options.depth() != null ? options.depth() : depths.isEmpty() ? null : depths.get(depths.size() - 1);
        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> params = new TreeSet<>();
        for (Map.Entry<Axis, List<String>> e : perAxis(data, options).entrySet()) {
            Axis axis = e.getKey();
            List<ProfileRow> rows = data.profile().stream()
                    .filter(r -> r.axis().equals(axis.column()) && depth != null && r.depth() == depth).toList();
            // Bias gradients track the back-propagated signal; a network without dense biases falls back to weights.
            String p = rows.stream().anyMatch(r -> r.param().equals("b")) ? "b" : "W";
            XYChart chart = xy(String.format(Locale.ROOT, "%s gradient norm per layer at init, depth %d, by %s",
                            p.equals("b") ? "Bias" : "Weight", depth, axis.key()),
                    "hidden layer (1 = nearest the input)",
                    "||dL/d" + p + "||, L2 norm (loss units per unit " + (p.equals("b") ? "pre-activation" : "weight") + "; log)");
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setXAxisDecimalPattern("0");
            int i = 0;
            for (String value : e.getValue()) {
                Color c = color(i++);
                List<ProfileRow> pts = rows.stream().filter(r -> r.value().equals(value) && r.param().equals(p))
                        .sorted(Comparator.comparingInt(ProfileRow::layer)).toList();
                List<ProfileRow> line = pts.stream().filter(r -> positive(r.median())).toList();
                if (line.isEmpty()) continue;
                List<ProfileRow> band = pts.stream().filter(r -> positive(r.p10()) && positive(r.p90())).toList();
                if (band.size() >= 2) {
                    double[] bx = new double[2 * band.size()], by = new double[2 * band.size()];
                    for (int k = 0; k < band.size(); k++) {
                        ProfileRow lo = band.get(k), hi = band.get(band.size() - 1 - k);
                        bx[k] = lo.layer();
                        by[k] = lo.p10();
                        bx[band.size() + k] = hi.layer();
                        by[band.size() + k] = hi.p90();
                    }
                    XYSeries s = chart.addSeries(value + " p10-p90", bx, by);
                    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                    s.setFillColor(translucent(c));
                    s.setLineColor(translucent(c));
                    s.setMarker(SeriesMarkers.NONE);
                    s.setShowInLegend(false);
                }
                XYSeries s = chart.addSeries(value, line.stream().mapToDouble(ProfileRow::layer).toArray(),
                        line.stream().mapToDouble(ProfileRow::median).toArray());
                style(s, c, SeriesMarkers.CIRCLE);
            }
            if (chart.getSeriesMap().isEmpty())
                notes.add("No gradient norms above 0 at depth " + depth + " for " + axis.key() + " (every layer's gradient is 0, "
                        + "or layer_profile has no rows there).");
            else {
                params.add(p);
                logTicks(chart);
                figures.add(new Figure("profile-" + axis.key() + ".png", chart.getTitle(), WIDTH, HEIGHT, chart));
            }
        }
        if (perAxis(data, options).isEmpty()) notes.add("The study varies no axis but depth: there is nothing to compare layer by layer.");
        String which = !params.contains("W") ? "bias gradients (param b), which track the back-propagated signal (weight gradients of "
                + "relu-family networks stay flat across layers at any init scale, so they would hide the effect)"
                : params.contains("b") ? "bias gradients (param b), or of the weight gradients (param W) where the networks have no "
                + "dense biases (the chart's title says which)" : "weight gradients (param W: these networks have no dense biases)";
        return new Section("profile", "1. Gradient norm versus layer at init",
                "Each line is the median, across the trials with that value at depth " + depth + ", of the L2 norm of the "
                        + which + " of each hidden layer at step 0 (before any update); the shaded band spans the 10th to 90th "
                        + "percentile. Layer 1 is nearest the input: a line falling towards layer 1 means the gradient vanishes, "
                        + "rising means it explodes; a flat line is healthy. Log scale: one grid decade is a factor of 10.",
                figures, notes);
    }

    // ---- 2. technique x depth heatmap ----------------------------------------------------------------------------

    static Section heatmap(ReportData data, Options options) {
        List<String> rows = new ArrayList<>();
        List<DepthCell> cells = new ArrayList<>();
        for (Map.Entry<Axis, List<String>> e : perAxis(data, options).entrySet())
            for (String value : e.getValue()) {
                rows.add(e.getKey().key() + "=" + value);
                for (DepthCell c : data.depthCells())
                    if (c.axis().equals(e.getKey().column()) && c.value().equals(value) && finite(c.median())) cells.add(c);
            }
        List<Integer> depths = new ArrayList<>(new TreeSet<>(cells.stream().map(DepthCell::depth).toList()));
        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        var th = data.header().thresholds();
        String how = "Each cell is the median, across the trials with that axis value at that depth, of log10 of the depth "
                + "attenuation ||g_1|| / ||g_L|| of the bias gradients at init (first hidden layer over last): blue below 0 = "
                + "vanishing (-2 = the first layer's gradient is 100x smaller than the last's), red above 0 = exploding, white = "
                + "healthy" + (th == null ? "." : String.format(Locale.ROOT, "; this study calls a trial vanishing below %s and exploding above %s.",
                num(th.vanishing()), num(th.exploding())));
        if (cells.isEmpty()) {
            notes.add("No attenuation to show: it needs at least 2 hidden layers and an axis the study varies.");
            return new Section("heatmap", "2. Attenuation by technique and depth", how, figures, notes);
        }
        // Symmetric about 0 so white is healthy; at least +-1 decade so noise near 0 stays pale; whole decades for the colour bar.
        double extent = Math.ceil(Math.max(1, cells.stream().mapToDouble(c -> Math.abs(c.median())).max().orElse(1)));
        int height = Math.min(2400, 150 + 34 * rows.size());
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(height)
                .title("Median log10 bias-gradient attenuation at init, by technique and depth")
                .xAxisTitle("depth (hidden layers)").yAxisTitle("axis = value").build();
        var st = chart.getStyler();
        base(st);
        st.setRangeColors(new Color[] {new Color(0x2166AC), new Color(0xF7F7F7), new Color(0xB2182B)});
        st.setMin(-extent);
        st.setMax(extent);
        st.setShowValue(true);
        st.setHeatMapValueDecimalPattern("0.00");
        st.setValueFontColor(Color.BLACK);
        st.setPlotGridLinesVisible(false);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        // Rows top to bottom in axis order: XChart counts y from the bottom.
        List<String> yLabels = new ArrayList<>(rows);
        java.util.Collections.reverse(yLabels);
        List<Number[]> heat = new ArrayList<>();
        for (DepthCell c : cells) {
            String label = ReportData.axisOfColumn(c.axis()).map(Axis::key).orElse(c.axis()) + "=" + c.value();
            heat.add(new Number[] {depths.indexOf(c.depth()), yLabels.indexOf(label), c.median()});
        }
        chart.addSeries("log10 attenuation (decades)", depths, yLabels, heat).setMin(-extent).setMax(extent);
        figures.add(new Figure("heatmap.png", chart.getTitle(), WIDTH, height, chart));
        return new Section("heatmap", "2. Attenuation by technique and depth", how, figures, notes);
    }

    // ---- 3. divergence rate versus learning rate -----------------------------------------------------------------

    static Section divergence(ReportData data) {
        List<TrialRow> finished = data.trials().stream().filter(TrialRow::finished).toList();
        Set<Double> rates = new TreeSet<>(finished.stream().map(TrialRow::learningRate).toList());
        Map<String, List<TrialRow>> byClipping = new TreeMap<>(Comparator.comparing(ReportCharts::clippingOrder));
        for (TrialRow t : finished) byClipping.computeIfAbsent(clippingLabel(t), k -> new ArrayList<>()).add(t);
        String how = "Share of the trials that diverged (a non-finite loss or gradient stopped training) at each learning rate, one "
                + "line per clipping setting, pooled over every other axis; failed trials are left out. Clipping prevents "
                + "divergence where its line stays below the 'none' line at high learning rates.";
        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (rates.size() < 2 || byClipping.size() < 2) {
            notes.add("Not drawn: the study varies " + (rates.size() < 2 && byClipping.size() < 2 ? "neither learning-rate nor clipping"
                    : rates.size() < 2 ? "clipping but not learning-rate" : "learning-rate but not clipping")
                    + " (trials that trained or diverged: " + rates.size() + " learning rate(s), " + byClipping.size()
                    + " clipping setting(s)); vary both to see whether clipping prevents divergence.");
            return new Section("divergence", "3. Divergence rate versus learning rate", how, figures, notes);
        }
        XYChart chart = xy("Divergence rate versus learning rate, by gradient clipping", "learning rate" + (logSpan(rates) ? " (log)" : ""),
                "diverged trials (% of trials that trained)");
        chart.getStyler().setXAxisLogarithmic(logSpan(rates));
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
        int i = 0;
        for (Map.Entry<String, List<TrialRow>> e : byClipping.entrySet()) {
            Map<Double, List<TrialRow>> byRate = e.getValue().stream()
                    .collect(Collectors.groupingBy(TrialRow::learningRate, TreeMap::new, Collectors.toList()));
            double[] x = byRate.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] y = byRate.values().stream().mapToDouble(ts -> 100.0 * ts.stream().filter(t -> "diverged".equals(t.status())).count() / ts.size())
                    .toArray();
            style(chart.addSeries(e.getKey(), x, y), color(i++), SeriesMarkers.CIRCLE);
        }
        logTicks(chart);
        figures.add(new Figure("divergence.png", chart.getTitle(), WIDTH, HEIGHT, chart));
        return new Section("divergence", "3. Divergence rate versus learning rate", how, figures, notes);
    }

    private static String clippingLabel(TrialRow t) {
        return t.clipping() == null || t.clipping().equals("none") || t.clipThreshold() == null ? String.valueOf(t.clipping())
                : t.clipping() + " at " + num(t.clipThreshold());
    }

    private static String clippingOrder(String label) {
        String key = label.split(" ")[0];
        int i = Keyed.byKey(Clipping.class, key).map(Enum::ordinal).orElse(99);
        String rest = label.contains(" at ") ? label.substring(label.indexOf(" at ") + 4) : "";
        double thr = rest.isEmpty() ? 0 : Double.parseDouble(rest);
        return String.format(Locale.ROOT, "%02d %020.6f %s", i, thr, label);
    }

    // ---- 4. gain sweep against theory ----------------------------------------------------------------------------

    static Section gainSweep(ReportData data, Options options) {
        List<TrialRow> sweep = data.trials().stream()
                .filter(t -> "scaled-normal".equals(t.init()) && t.plain() && t.initGain() != null && t.depth() >= 2 && finite(t.bLog10AttenInit()))
                .toList();
        Set<Double> gains = new TreeSet<>(sweep.stream().map(TrialRow::initGain).toList());
        String how = "Points: median over the seeds of log10 of the bias-gradient attenuation ||g_1|| / ||g_L|| at init, per "
                + "activation, for plain networks (no batch norm, no residual skips, standardized inputs) with init scaled-normal "
                + "N(0, g / fan_in). Dashed: the mean-field prediction (depth - 1) x log10 of the per-layer factor sqrt(chi), "
                + "the forward variance followed layer by layer from the first layer (MeanField.finiteDepthFactor; for relu-family "
                + "activations simply sqrt(chi) at any depth), for infinitely wide layers. The vanishing/exploding boundary is where a "
                + "curve crosses the 0 line; diamonds on it mark the boundaries a boundary search found.";
        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (gains.size() < 2) {
            notes.add("Not drawn: the study has no gain sweep (plain networks with init = scaled-normal and at least two "
                    + "init-gain values, depth >= 2); it has " + gains.size() + " such gain value(s).");
            return new Section("gain", "4. Vanishing/exploding boundary of the init gain", how, figures, notes);
        }
        List<Integer> depths = new ArrayList<>(new TreeSet<>(sweep.stream().map(TrialRow::depth).toList()));
        if (options.depth() != null) depths = depths.contains(options.depth()) ? List.of(options.depth()) : List.of();
        if (depths.isEmpty()) notes.add("The gain sweep has no trials at depth " + options.depth() + ".");
        double gMin = gains.iterator().next(), gMax = ((TreeSet<Double>) gains).last();
        for (int depth : depths) {
            XYChart chart = xy("Init gain sweep at depth " + depth + ": measured attenuation and mean-field theory",
                    "init gain g (weights N(0, g / fan_in); log)", "log10 ||g_1|| / ||g_L|| of bias gradients at init (decades)");
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setAnnotationLineColor(Color.DARK_GRAY);
            chart.getStyler().setAnnotationLineStroke(new BasicStroke(1f));
            Map<String, List<TrialRow>> byActivation = new TreeMap<>(Comparator.comparing(ReportCharts::activationOrder));
            for (TrialRow t : sweep) if (t.depth() == depth) byActivation.computeIfAbsent(activationLabel(t.activation(), t.leakySlope()), k -> new ArrayList<>()).add(t);
            for (Map.Entry<String, List<TrialRow>> e : byActivation.entrySet()) {
                Color c = color(activationIndex(e.getKey()));
                Map<Double, List<Double>> byGain = e.getValue().stream().collect(Collectors.groupingBy(TrialRow::initGain, TreeMap::new,
                        Collectors.mapping(TrialRow::bLog10AttenInit, Collectors.toList())));
                style(chart.addSeries(e.getKey() + " (measured)", byGain.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                        byGain.values().stream().mapToDouble(ReportCharts::median).toArray()), c, SeriesMarkers.CIRCLE);
                TrialRow any = e.getValue().get(0);
                Activation a = Keyed.byKey(Activation.class, any.activation()).orElse(null);
                if (a != null) {
                    double slope = any.leakySlope() == null ? MeanField.LEAKY_SLOPE : any.leakySlope();
                    List<double[]> curve = new ArrayList<>();
                    for (int k = 0; k <= 60; k++) {
                        double g = gMin * Math.pow(gMax / gMin, k / 60.0);
                        // scaled-normal gives every layer, the first included, variance scale g (unit-variance inputs).
                        double y = (depth - 1) * Math.log10(MeanField.finiteDepthFactor(a, g, slope, g, depth));
                        if (Double.isFinite(y)) curve.add(new double[] {g, y});
                    }
                    if (curve.size() >= 2) {
                        XYSeries s = chart.addSeries(e.getKey() + " (theory)", curve.stream().mapToDouble(p -> p[0]).toArray(),
                                curve.stream().mapToDouble(p -> p[1]).toArray());
                        style(s, c, SeriesMarkers.NONE);
                        s.setLineStyle(DASHED);
                    }
                }
                List<BoundaryRow> found = data.boundaries().stream()
                        .filter(b -> "init-gain".equals(b.searchAxis()) && "found".equals(b.status()) && b.estimate() != null
                                && Objects.equals(b.depth(), depth) && activationLabel(b.activation(), b.leakySlope()).equals(e.getKey()))
                        .toList();
                if (!found.isEmpty()) {
                    XYSeries s = chart.addSeries(e.getKey() + " (boundary found)", found.stream().mapToDouble(BoundaryRow::estimate).toArray(),
                            new double[found.size()]);
                    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                    s.setMarker(SeriesMarkers.DIAMOND);
                    s.setMarkerColor(c.darker());
                }
            }
            chart.addAnnotation(new AnnotationLine(0, false, false));
            includeZero(chart);
            logTicks(chart);
            figures.add(new Figure("gain-depth-" + depth + ".png", chart.getTitle(), WIDTH, HEIGHT, chart));
        }
        if (!data.boundaries().isEmpty() && data.boundaries().stream().noneMatch(b -> "init-gain".equals(b.searchAxis())))
            notes.add("The study's boundary search ran over " + data.boundaries().get(0).searchAxis() + ", not init-gain: no boundaries marked.");
        return new Section("gain", "4. Vanishing/exploding boundary of the init gain", how, figures, notes);
    }

    private static String activationLabel(String activation, Double slope) {
        return "leaky-relu".equals(activation) && slope != null ? activation + " " + num(slope) : String.valueOf(activation);
    }

    private static int activationIndex(String label) {
        return Keyed.byKey(Activation.class, label.split(" ")[0]).map(Enum::ordinal).orElse(PALETTE.length - 1);
    }

    private static String activationOrder(String label) {
        return String.format(Locale.ROOT, "%02d %s", activationIndex(label), label);
    }

    // ---- 5. matched-pair effects ---------------------------------------------------------------------------------

    static Section effects(ReportData data, Options options) {
        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String how = "Each point is the median, over matched pairs (two trials identical but for this axis, same seed), of the value's "
                + "metric minus the baseline's (an earlier value in the axis's order); the bars are 95% bootstrap intervals, so a bar clear of 0 is an "
                + "effect this study resolves. Architecture and init axes show the change in log10 bias-gradient attenuation at init "
                + "(decades; towards 0 is healthier); training axes (learning-rate, optimizer, clipping, clip-threshold, l2), which "
                + "cannot change a network at init, show the change in divergence rate (percentage points).";
        Set<String> axesWithEffects = new TreeSet<>(data.effects().stream().map(EffectRow::axis).toList());
        for (Axis axis : Axis.ordered()) {
            if (!axesWithEffects.contains(axis.column()) || (options.axis() != null && options.axis() != axis)) continue;
            boolean divergence = TRAINING_AXES.contains(axis);
            Function<EffectRow, double[]> metric = divergence
                    ? r -> triple(r.dDiverged(), r.dDivergedLow(), r.dDivergedHigh(), 100)
                    : r -> triple(r.dAttenInit(), r.dAttenInitLow(), r.dAttenInitHigh(), 1);
            List<EffectRow> rows = data.effects().stream().filter(r -> r.axis().equals(axis.column()) && metric.apply(r) != null).toList();
            if (rows.isEmpty()) {
                notes.add("No estimate for " + axis.key() + " (too few matched pairs).");
                continue;
            }
            // Depths are evenly spaced categories (2, 4, 8, 16... would crowd a linear axis), labelled with their values.
            List<Integer> depths = new ArrayList<>(new TreeSet<>(rows.stream().map(EffectRow::depth).toList()));
            XYChart chart = xy(divergence ? "Effect of " + axis.key() + " on the divergence rate, by depth"
                            : "Effect of " + axis.key() + " on log10 bias-gradient attenuation at init, by depth",
                    "depth (hidden layers)",
                    divergence ? "change in divergence rate (percentage points)" : "change in log10 attenuation (decades)");
            chart.getStyler().setXAxisMin(-0.5).setXAxisMax(depths.size() - 0.5);
            chart.setCustomXAxisTickLabelsFormatter(x -> {
                long k = Math.round(x);
                if (Math.abs(x - k) < 1e-6 && k >= 0 && k < depths.size()) return String.valueOf(depths.get((int) k));
                // No label between categories. XChart drops every label unless all are distinct: distinct invisible ones.
                return "\u200B".repeat(1 + (int) Math.min(100_000, Math.round(Math.abs(x + 1) * 1000)));
            });
            chart.getStyler().setAnnotationLineColor(Color.DARK_GRAY);
            Map<String, List<EffectRow>> byPair = new LinkedHashMap<>();
            List<String> values = ReportData.sortValues(axis, rows.stream().map(EffectRow::value).distinct().toList());
            for (String v : values)
                for (EffectRow r : rows) if (r.value().equals(v)) byPair.computeIfAbsent(v + " vs " + r.baseline(), k -> new ArrayList<>()).add(r);
            int i = 0, n = byPair.size();
            for (Map.Entry<String, List<EffectRow>> e : byPair.entrySet()) {
                Color c = color(i);
                // Side by side: pairs at one depth are nudged apart so their intervals do not overlap.
                double nudge = (i - (n - 1) / 2.0) * (n > 1 ? 0.4 / n : 0);
                i++;
                List<EffectRow> pts = e.getValue().stream().sorted(Comparator.comparingInt(EffectRow::depth)).toList();
                double[] x = pts.stream().mapToDouble(r -> depths.indexOf(r.depth()) + nudge).toArray();
                double[] y = pts.stream().mapToDouble(r -> metric.apply(r)[0]).toArray();
                XYSeries s = chart.addSeries(e.getKey(), x, y);
                style(s, c, SeriesMarkers.CIRCLE);
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                for (int k = 0; k < pts.size(); k++) {
                    double[] m = metric.apply(pts.get(k));
                    if (!Double.isFinite(m[1]) || !Double.isFinite(m[2])) continue;
                    XYSeries bar = chart.addSeries(e.getKey() + " 95% interval at depth " + pts.get(k).depth(),
                            new double[] {x[k], x[k]}, new double[] {m[1], m[2]});
                    style(bar, c, CAP);
                    bar.setShowInLegend(false);
                }
            }
            chart.addAnnotation(new AnnotationLine(0, false, false));
            includeZero(chart);
            figures.add(new Figure("effects-" + axis.key() + ".png", chart.getTitle(), WIDTH, HEIGHT, chart));
        }
        if (figures.isEmpty() && notes.isEmpty())
            notes.add("No matched pairs: technique_effects is empty (it needs an axis with at least two values"
                    + (options.axis() != null ? ", here " + options.axis().key() : "") + ").");
        return new Section("effects", "5. Matched-pair effects with 95% intervals", how, figures, notes);
    }

    /** (estimate, low, high) times {@code scale}, or null without an estimate; a missing bound is NaN. */
    private static double[] triple(Double estimate, Double low, Double high, double scale) {
        if (!finite(estimate)) return null;
        return new double[] {estimate * scale, finite(low) ? low * scale : Double.NaN, finite(high) ? high * scale : Double.NaN};
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** The axes the per-axis charts cover, with their values. */
    private static Map<Axis, List<String>> perAxis(ReportData data, Options options) {
        Map<Axis, List<String>> varied = data.variedAxes();
        if (options.axis() == null) return varied;
        Map<Axis, List<String>> out = new LinkedHashMap<>();
        if (varied.containsKey(options.axis())) out.put(options.axis(), varied.get(options.axis()));
        return out;
    }

    private static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        base(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(7);
        return chart;
    }

    /** Stretches the y axis to show the 0 line (the reference of attenuations and effects), with a little room. */
    private static void includeZero(XYChart chart) {
        double lo = 0, hi = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            lo = Math.min(lo, s.getYMin());
            hi = Math.max(hi, s.getYMax());
        }
        double pad = Math.max(hi - lo, 1e-9) * 0.05;
        chart.getStyler().setYAxisMin(lo - pad).setYAxisMax(hi + pad);
    }

    /**
     * Log axes: labels at decades only when the data spans two or more (else too many labels), and between
     * decades too when it spans less (else a log axis over 0.5..4 shows a single label). Call after adding the series.
     */
    private static void logTicks(XYChart chart) {
        double xMin = Double.POSITIVE_INFINITY, xMax = 0, yMin = Double.POSITIVE_INFINITY, yMax = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            xMin = Math.min(xMin, s.getXMin());
            xMax = Math.max(xMax, s.getXMax());
            yMin = Math.min(yMin, s.getYMin());
            yMax = Math.max(yMax, s.getYMax());
        }
        chart.getStyler().setXAxisLogarithmicDecadeOnly(xMin > 0 && xMax / xMin >= 100);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(yMin > 0 && yMax / yMin >= 100);
    }

    private static void base(org.knowm.xchart.style.AxesChartStyler st) {
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(0xDDDDDD));
        st.setLegendBorderColor(new Color(0xCCCCCC));
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 15));
        st.setAxisTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
        st.setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        st.setLegendFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        st.setSeriesColors(PALETTE);
    }

    private static void style(XYSeries s, Color c, org.knowm.xchart.style.markers.Marker marker) {
        s.setLineColor(c);
        s.setMarkerColor(c);
        s.setMarker(marker);
        s.setLineWidth(2f);
    }

    private static Color color(int i) { return PALETTE[Math.floorMod(i, PALETTE.length)]; }

    private static Color translucent(Color c) { return new Color(c.getRed(), c.getGreen(), c.getBlue(), 45); }

    private static boolean finite(Double v) { return v != null && Double.isFinite(v); }

    private static boolean positive(Double v) { return finite(v) && v > 0; }

    /** Whether values spread over at least a factor of 8: then a log axis reads better. */
    private static boolean logSpan(java.util.Collection<Double> xs) {
        double min = xs.stream().mapToDouble(Double::doubleValue).min().orElse(1), max = xs.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        return min > 0 && max / min >= 8;
    }

    static double median(List<Double> xs) {
        double[] v = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A number as people write it: 0.05, 2, 1e-06. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return String.valueOf((long) v);
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toString().toLowerCase(Locale.ROOT);
    }
}
