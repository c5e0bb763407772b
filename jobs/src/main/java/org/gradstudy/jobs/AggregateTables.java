package org.gradstudy.jobs;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.gradstudy.study.Axis;

import java.util.ArrayList;
import java.util.List;

/**
 * The schemas of the tables {@link AggregateJob} computes in SQL, every column with its comment: the
 * catalogue ({@link Tables}) and the DDL use them, and {@link Tables#conform} checks each query's output
 * against them before anything is written. The SQL files' headers define the same columns in prose.
 */
final class AggregateTables {
    private AggregateTables() {}

    private static final DataType D = DataTypes.DoubleType, I = DataTypes.IntegerType, L = DataTypes.LongType,
            S = DataTypes.StringType, B = DataTypes.BooleanType;
    private static final String ATTEN = "log10(||g_1|| / ||g_depth||): first over last hidden layer's gradient L2 norm (< 0 vanishing, > 0 exploding)";

    /** A schema under construction. */
    private static final class Cols {
        final List<StructField> f = new ArrayList<>();

        Cols add(String name, DataType type, String comment) {
            f.add(Columns.field(name, type, true, comment));
            return this;
        }

        /** name_median, name_p10, name_p90 across trials. */
        Cols spread(String name, String what) {
            add(name + "_median", D, "median across the trials of " + what);
            add(name + "_p10", D, "10th percentile (exact, linear interpolation) across the trials of the same");
            return add(name + "_p90", D, "90th percentile across the trials of the same");
        }

        /** The three verdict thresholds (log10), as recorded by the study's last run. */
        Cols thresholds() {
            add(RunsTable.VANISHING_LOG10, D, "threshold used: step-0 bias attenuation below it = vanishing (analysis.vanishing-log10)");
            add(RunsTable.EXPLODING_LOG10, D, "threshold used: step-0 bias attenuation above it = exploding (analysis.exploding-log10)");
            return add(RunsTable.RELATIVE_GRADIENT_LOG10, D,
                    "threshold used: first layer's log10 ||g|| / ||W|| at step 0 below it = vanishing (analysis.relative-gradient-log10)");
        }

        Cols study() { return add(TrialsTable.STUDY, S, Columns.STUDY_COMMENT); }

        /** An axis column, typed and commented as in every table. */
        Cols axis(Axis a) {
            f.add(Columns.field(a.column(), Columns.type(a), true, Columns.comment(a)));
            return this;
        }

        Cols axisValue() {
            add("axis", S, "the axis grouped by: its column name (activation, init, learning_rate, ...); only axes the study varies");
            return add("value", S, "the axis value, as text (numbers as Spark prints doubles: 0.05, 1.0E-4)");
        }

        StructType build() { return DataTypes.createStructType(f); }
    }

    static final StructType TRIAL_METRICS;
    static final StructType TECHNIQUE_DEPTH;
    static final StructType LAYER_PROFILE;
    static final StructType TECHNIQUE_EFFECTS;
    static final StructType THEORY;
    static final StructType CLAIMS;

    static {
        Cols m = new Cols();
        m.f.addAll(Columns.trialFields());
        m.add("status", S, "ok | diverged | failed | timeout (trials.status)")
                .add("steps", I, "training steps the trial was configured for")
                .add("steps_run", I, "steps it ran (fewer when it diverged, failed or timed out)")
                .add("w_log10_atten_init", D, ATTEN + ", weight gradients, step 0; null when a norm is 0 or depth 1")
                .add("w_log10_atten_train", D, "median over the recorded steps after 0 of the same")
                .add("b_log10_atten_init", D, ATTEN + ", bias gradients (they track the back-propagated signal), step 0")
                .add("b_log10_atten_train", D, "median over the recorded steps after 0 of the same")
                .add("b_layer_factor_init", D, "per-layer factor 10^(b_log10_atten_init / (depth - 1)); 1 = kept layer to layer")
                .add("log10_relative_grad_init", D, "log10 ||dL/dW|| / ||W|| of the first hidden layer at step 0; null when either is 0")
                .add("dead_fraction", D, "mean over hidden layers and recorded steps of act_dead_fraction (relu family)")
                .add("saturated_fraction", D, "mean over hidden layers and recorded steps of act_saturated_fraction (sigmoid, tanh)")
                .add("symmetric", B, "every hidden weight gradient has all-equal entries at the last recorded step: unbroken symmetry, or a dead network")
                .add("vanishing", B, "b_log10_atten_init < vanishing_log10, or log10_relative_grad_init < relative_gradient_log10, or a zero first-layer gradient")
                .add("exploding", B, "b_log10_atten_init > exploding_log10, or a non-finite gradient at any recorded step")
                .add("diverged", B, "status = diverged: the loss or a gradient became NaN/Inf")
                .add("failed", B, "status failed or timeout: no complete result")
                .add("train_loss", D, "trials.train_loss")
                .add("test_accuracy", D, "trials.test_accuracy (0 to 1)")
                .add("clip_rate", D, "trials.clip_rate: share of steps where clipping changed the gradient")
                .add("wall_ms", L, "trials.wall_ms: the trial's own wall time")
                .thresholds();
        TRIAL_METRICS = m.build();

        Cols td = new Cols().study().axisValue()
                .axis(Axis.DEPTH)
                .add("trials", L, "trials with this axis value at this depth, whatever their other axes")
                .add("seeds", L, "distinct replicates among them");
        td.spread("b_log10_atten_init", "b_log10_atten_init (bias-gradient attenuation at step 0)")
                .spread("b_log10_atten_train", "b_log10_atten_train (each trial's median after step 0)")
                .add("b_layer_factor_init", D, "10^(b_log10_atten_init_median / (depth - 1)): per-layer factor of bias gradients at step 0")
                .spread("w_log10_atten_init", "w_log10_atten_init (weight-gradient attenuation at step 0)")
                .spread("w_log10_atten_train", "w_log10_atten_train")
                .add("w_layer_factor_init", D, "10^(w_log10_atten_init_median / (depth - 1))")
                .add("log10_relative_grad_init_median", D, "median of the first hidden layer's log10 ||g|| / ||W|| at step 0")
                .add("vanishing_rate", D, "share of the trials with statistics that vanish (trial_metrics.vanishing)")
                .add("exploding_rate", D, "share of the trials with statistics that explode (trial_metrics.exploding)")
                .add("diverged_rate", D, "share of the trials that diverged")
                .add("failed_rate", D, "share of the trials that failed or timed out")
                .add("symmetric_rate", D, "share of the trials with statistics whose hidden weight gradients stayed symmetric")
                .add("train_loss_median", D, "median final training loss (nulls skipped)")
                .add("test_accuracy_median", D, "median held-out accuracy, 0 to 1 (chance is 1 / classes)")
                .add("clip_rate_mean", D, "mean share of steps where clipping fired")
                .add("dead_fraction_median", D, "median of trial_metrics.dead_fraction")
                .add("saturated_fraction_median", D, "median of trial_metrics.saturated_fraction")
                .thresholds();
        TECHNIQUE_DEPTH = td.build();

        Cols lp = new Cols().study().axisValue()
                .axis(Axis.DEPTH)
                .add("layer", I, "1 = first hidden layer (nearest the input); depth + 1 = output layer")
                .add("layer_kind", S, "hidden | output")
                .add("param", S, "W | b (dense), gamma | beta (batch norm), alpha (prelu)")
                .add("phase", S, "init = step 0; early = recorded steps up to half of training; late = the rest")
                .add("trials", L, "trials contributing (each with the geometric mean of its statistic over the phase's recorded steps)");
        lp.spread("grad_l2", "each trial's geometric mean over the phase of the gradient L2 norm (mean-loss gradient) of this tensor "
                        + "(0 if a step recorded 0)")
                .spread("update_ratio", "each trial's geometric mean over the phase of the update:parameter ratio ||delta theta|| / ||theta|| "
                        + "of this tensor (0 if a step recorded 0)");
        LAYER_PROFILE = lp.build();

        Cols te = new Cols().study()
                .add("axis", S, "the axis compared: its column name")
                .add("value", S, "the treated value, as text")
                .add("baseline", S, "the value it is compared with: the earlier in the axis's order (enum order, smaller number)")
                .axis(Axis.DEPTH)
                .add("pairs", L, "matched pairs: trials equal in every other axis and replicate (so seed), neither failed");
        String[][] metrics = {
                {"d_log10_atten_init", "paired difference value - baseline of b_log10_atten_init (> 0: value keeps more gradient at the input)"},
                {"d_abs_log10_atten_init", "paired difference of |b_log10_atten_init| (< 0: value closer to a healthy 0 at step 0)"},
                {"d_abs_log10_atten_train", "paired difference of |b_log10_atten_train| (< 0: value closer to a healthy 0 in training)"}};
        for (String[] mt : metrics) {
            te.add(mt[0] + "_median", D, "median " + mt[1]);
            te.add(mt[0] + "_low", D, "2.5% bound of a 95% percentile-bootstrap interval of that median (2000 resamples)");
            te.add(mt[0] + "_high", D, "97.5% bound of the same interval");
        }
        te.add("d_diverged_rate", D, "divergence rate of value minus baseline over the pairs (mean of the paired differences)")
                .add("d_diverged_rate_low", D, "2.5% bound of its 95% bootstrap interval")
                .add("d_diverged_rate_high", D, "97.5% bound of the same interval")
                .add("d_test_accuracy_median", D, "median paired difference of test accuracy (value - baseline)")
                .add("d_test_accuracy_low", D, "2.5% bound of its 95% bootstrap interval")
                .add("d_test_accuracy_high", D, "97.5% bound of the same interval");
        TECHNIQUE_EFFECTS = te.build();

        THEORY = new Cols().study()
                .axis(Axis.ACTIVATION)
                .axis(Axis.LEAKY_RELU_SLOPE)
                .axis(Axis.INIT)
                .axis(Axis.INIT_GAIN)
                .axis(Axis.WIDTH)
                .axis(Axis.DEPTH)
                .add("variance_scale", D, "s = fan_in x Var(W) of a hidden layer (xavier 1 at equal widths, he 2, small/large fan_in std^2, scaled-normal g)")
                .add("first_layer_variance_scale", D, "the same for the first layer (fan_in = input dimensions): its pre-activation variance with standardized input")
                .add("chi", D, "mean-field factor of the back-propagated signal's squared norm per layer, at the forward fixed point")
                .add("predicted_factor", D, "sqrt(chi): predicted per-layer factor of the signal's norm")
                .add("predicted_factor_finite", D, "the same following the forward variance layer by layer from the first layer's (better at finite depth)")
                .add("trials", L, "trials measured: no batch norm or skips, standardized input; other axes do not change step 0")
                .add("measured_factor_median", D, "median of trial_metrics.b_layer_factor_init across those trials")
                .add("measured_factor_p10", D, "10th percentile of the same")
                .add("measured_factor_p90", D, "90th percentile of the same")
                .add("measured_over_predicted", D, "measured_factor_median / predicted_factor_finite (1 = theory holds)")
                .build();

        CLAIMS = new Cols().study()
                .add("claim", I, "1 to 7: the textbook claim")
                .add("statement", S, "the claim")
                .add("verdict", S, "supported (>= 75% of decisive rows support) | refuted (<= 25%) | mixed | not enough data")
                .add("supporting", L, "decisive evidence rows of this claim that support it")
                .add("refuting", L, "decisive evidence rows that refute it")
                .add("inconclusive", L, "evidence rows that decide nothing (interval across the line, fewer than 3 pairs)")
                .add("scope", S, "the trials the row is about when narrower than all (activation = tanh), else null")
                .add("axis", S, "axis the evidence is about")
                .add("value", S, "axis value (the treated or claimed value)")
                .add("baseline", S, "value compared with, for comparisons; else null")
                .axis(Axis.DEPTH)
                .add("metric", S, "the measured quantity: a technique_effects or technique_depth column, or a comparison")
                .add("estimate", D, "its value")
                .add("low", D, "interval low bound (effects: 95% bootstrap; depth rows: p10; init rows: the claimed init's median)")
                .add("high", D, "interval high bound (effects: 95% bootstrap; depth rows: p90; init rows: the best other init's median)")
                .add("n", L, "pairs or trials behind the row")
                .add("supports", B, "true supports the claim, false refutes it, null inconclusive")
                .add("evidence", S, "the row in words")
                .build();
    }
}
