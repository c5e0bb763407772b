package org.gradstudy.report;

import org.gradstudy.study.Axis;
import org.gradstudy.study.Keyed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Everything a report shows, as plain values collected from a study's aggregate tables: no Spark
 * types, so the charts and the page can be built and tested from hand-made rows. Column meanings are
 * those of the aggregate queries (trial_metrics.sql, technique_depth.sql, ...).
 *
 * @param study       the study name
 * @param warehouse   where the tables were read (shown in the page)
 * @param header      trial counts, statuses, thresholds, provenance
 * @param profile     layer_profile rows at init (phase = init), hidden layers, params W and b
 * @param depthCells  technique_depth: median log10 bias-gradient attenuation at init per (axis, value, depth)
 * @param trials      trial_metrics: one row per trial
 * @param effects     technique_effects: matched-pair differences with their 95% intervals
 * @param claims      claims: one row per (claim, evidence row)
 * @param boundaries  the study's boundaries table (empty if it ran no boundary search)
 */
public record ReportData(String study, String warehouse, Header header, List<ProfileRow> profile, List<DepthCell> depthCells,
                         List<TrialRow> trials, List<EffectRow> effects, List<ClaimRow> claims, List<BoundaryRow> boundaries) {
    public ReportData {
        Objects.requireNonNull(study, "study");
        Objects.requireNonNull(header, "header");
        profile = List.copyOf(profile);
        depthCells = List.copyOf(depthCells);
        trials = List.copyOf(trials);
        effects = List.copyOf(effects);
        claims = List.copyOf(claims);
        boundaries = List.copyOf(boundaries);
    }

    /**
     * The page header.
     *
     * @param trials          rows of the trials table
     * @param statuses        trials per status (ok, diverged, failed, timeout)
     * @param thresholds      the verdict thresholds the aggregates used (recorded in trial_metrics), or null if it is empty
     * @param versions        distinct provenance strings of the trials (gradstudy, DL4J, Java, Spark)
     * @param generated       when the report was made
     * @param staleAggregates whether the trials table changed after the aggregates were computed
     */
    public record Header(long trials, Map<String, Long> statuses, Thresholds thresholds, List<String> versions, Instant generated,
                         boolean staleAggregates) {
        public Header {
            statuses = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(statuses));
            versions = List.copyOf(versions);
        }
    }

    /** log10 thresholds: attenuation below {@code vanishing} or above {@code exploding}; first-layer relative gradient below {@code relativeGradient}. */
    public record Thresholds(double vanishing, double exploding, double relativeGradient) {}

    /** One layer_profile row: gradient L2 norm of {@code param} at {@code layer}, across the trials with axis = value at that depth. */
    public record ProfileRow(String axis, String value, int depth, int layer, String param, long trials,
                             Double median, Double p10, Double p90) {}

    /** One technique_depth cell: median (p10, p90) log10 bias-gradient attenuation at init; null at depth 1. */
    public record DepthCell(String axis, String value, int depth, long trials, Double median, Double p10, Double p90) {}

    /** One trial_metrics row (the columns the report uses). Axis values are null where the axis does not apply. */
    public record TrialRow(String activation, Double leakySlope, String init, Double initGain, String normalization,
                           Integer residualEvery, int depth, int width, double learningRate, String clipping,
                           Double clipThreshold, String input, String status, Double bLog10AttenInit) {
        /** Whether the trial trained to the end or diverged (failed and timed-out trials tell nothing about divergence). */
        public boolean finished() { return "ok".equals(status) || "diverged".equals(status); }

        /** A network mean-field theory describes: dense layers only, standardized inputs. */
        public boolean plain() {
            return "none".equals(normalization) && Integer.valueOf(0).equals(residualEvery) && "standardized".equals(input);
        }
    }

    /** One technique_effects row: value minus baseline over matched pairs at one depth, with 95% bootstrap intervals. */
    public record EffectRow(String axis, String value, String baseline, int depth, long pairs,
                            Double dAttenInit, Double dAttenInitLow, Double dAttenInitHigh,
                            Double dDiverged, Double dDivergedLow, Double dDivergedHigh) {}

    /** One claims row: a claim with its verdict and one evidence row ({@code supports} null = inconclusive). */
    public record ClaimRow(int claim, String statement, String verdict, long supporting, long refuting, long inconclusive,
                           String evidence, Boolean supports) {}

    /** One boundaries row (the columns the report uses). */
    public record BoundaryRow(String activation, Double leakySlope, Integer depth, String searchAxis, Double estimate, String status) {}

    /** The depths of the study's trials, ascending. */
    public List<Integer> depths() {
        return new ArrayList<>(new TreeSet<>(trials.stream().map(TrialRow::depth).toList()));
    }

    /** The axes the study varies (those technique_depth holds), in canonical axis order, each with its values in order. */
    public Map<Axis, List<String>> variedAxes() {
        Map<Axis, List<String>> out = new LinkedHashMap<>();
        for (Axis a : Axis.ordered()) {
            List<String> values = depthCells.stream().filter(c -> c.axis().equals(a.column())).map(DepthCell::value).distinct().toList();
            if (!values.isEmpty()) out.put(a, sortValues(a, values));
        }
        return out;
    }

    /** The axis with table column {@code column}, if any. */
    public static Optional<Axis> axisOfColumn(String column) {
        return Axis.ordered().stream().filter(a -> a.column().equals(column)).findFirst();
    }

    /** Values of {@code axis} in a reader's order: declaration order for choices, numeric order for numbers. */
    public static List<String> sortValues(Axis axis, List<String> values) {
        Comparator<String> order;
        if (axis.domain() instanceof Axis.Choice choice) {
            List<String> keys = choice.constants().stream().map(Keyed::key).toList();
            order = Comparator.comparingInt(v -> keys.indexOf(v) < 0 ? Integer.MAX_VALUE : keys.indexOf(v));
        } else {
            order = Comparator.comparingDouble(v -> {
                try {
                    return Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    return Double.MAX_VALUE;
                }
            });
        }
        return values.stream().sorted(order.thenComparing(Comparator.naturalOrder())).toList();
    }
}
