-- technique_depth: long form, one row per (axis, value, depth) of a study: every trial with that axis
-- value at that depth, whatever its other axes. Only axes the study varies appear. Medians and
-- 10th/90th percentiles are across trials (exact, linear interpolation); rates are shares of the trials
-- (vanishing/exploding among trials with statistics, diverged/failed among all).
-- ${varied_stack} turns each trial into one (axis, value) row per axis the study varies. quantiles(x) is
-- the exact (p10, p50, p90) with Spark percentile's linear interpolation, one aggregate for the three.
WITH long AS (
  SELECT m.*, s.axis, s.value
  FROM trial_metrics m
  LATERAL VIEW ${varied_stack} s AS axis, value
  WHERE s.value IS NOT NULL
),
g AS (
  SELECT l.study, l.axis, l.value, l.depth,
         count(*) AS trials,
         CAST(size(collect_set(l.replicate)) AS BIGINT) AS seeds,
         quantiles(b_log10_atten_init) AS b_init,
         quantiles(b_log10_atten_train) AS b_train,
         quantiles(w_log10_atten_init) AS w_init,
         quantiles(w_log10_atten_train) AS w_train,
         quantiles(log10_relative_grad_init).p50 AS log10_relative_grad_init_median,
         avg(CAST(vanishing AS DOUBLE)) AS vanishing_rate,
         avg(CAST(exploding AS DOUBLE)) AS exploding_rate,
         avg(CAST(diverged AS DOUBLE)) AS diverged_rate,
         avg(CAST(failed AS DOUBLE)) AS failed_rate,
         avg(CAST(symmetric AS DOUBLE)) AS symmetric_rate,
         quantiles(train_loss).p50 AS train_loss_median,
         quantiles(test_accuracy).p50 AS test_accuracy_median,
         avg(clip_rate) AS clip_rate_mean,
         quantiles(dead_fraction).p50 AS dead_fraction_median,
         quantiles(saturated_fraction).p50 AS saturated_fraction_median,
         first(vanishing_log10) AS vanishing_log10,
         first(exploding_log10) AS exploding_log10,
         first(relative_gradient_log10) AS relative_gradient_log10
  FROM long l
  GROUP BY l.study, l.axis, l.value, l.depth
)
SELECT study, axis, value, depth, trials, seeds,
       b_init.p50 AS b_log10_atten_init_median, b_init.p10 AS b_log10_atten_init_p10, b_init.p90 AS b_log10_atten_init_p90,
       b_train.p50 AS b_log10_atten_train_median, b_train.p10 AS b_log10_atten_train_p10, b_train.p90 AS b_log10_atten_train_p90,
       CASE WHEN depth >= 2 THEN power(10, b_init.p50 / (depth - 1)) END AS b_layer_factor_init,
       w_init.p50 AS w_log10_atten_init_median, w_init.p10 AS w_log10_atten_init_p10, w_init.p90 AS w_log10_atten_init_p90,
       w_train.p50 AS w_log10_atten_train_median, w_train.p10 AS w_log10_atten_train_p10, w_train.p90 AS w_log10_atten_train_p90,
       CASE WHEN depth >= 2 THEN power(10, w_init.p50 / (depth - 1)) END AS w_layer_factor_init,
       log10_relative_grad_init_median, vanishing_rate, exploding_rate, diverged_rate, failed_rate, symmetric_rate,
       train_loss_median, test_accuracy_median, clip_rate_mean, dead_fraction_median, saturated_fraction_median,
       vanishing_log10, exploding_log10, relative_gradient_log10
FROM g
