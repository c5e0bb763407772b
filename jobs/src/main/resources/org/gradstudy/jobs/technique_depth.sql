-- technique_depth: long form, one row per (axis, value, depth) of a study: every trial with that axis
-- value at that depth, whatever its other axes. Only axes the study varies appear. Medians and
-- 10th/90th percentiles are across trials (exact, linear interpolation); rates are shares of the trials
-- (vanishing/exploding among trials with statistics, diverged/failed among all).
-- ${varied_stack} turns each trial into one (axis, value) row per axis the study varies.
WITH long AS (
  SELECT m.*, s.axis, s.value
  FROM trial_metrics m
  LATERAL VIEW ${varied_stack} s AS axis, value
  WHERE s.value IS NOT NULL
)
SELECT l.study, l.axis, l.value, l.depth,
       count(*) AS trials,
       count(DISTINCT l.replicate) AS seeds,
       percentile(b_log10_atten_init, 0.5) AS b_log10_atten_init_median,
       percentile(b_log10_atten_init, 0.1) AS b_log10_atten_init_p10,
       percentile(b_log10_atten_init, 0.9) AS b_log10_atten_init_p90,
       percentile(b_log10_atten_train, 0.5) AS b_log10_atten_train_median,
       percentile(b_log10_atten_train, 0.1) AS b_log10_atten_train_p10,
       percentile(b_log10_atten_train, 0.9) AS b_log10_atten_train_p90,
       CASE WHEN l.depth >= 2 THEN power(10, percentile(b_log10_atten_init, 0.5) / (l.depth - 1)) END AS b_layer_factor_init,
       percentile(w_log10_atten_init, 0.5) AS w_log10_atten_init_median,
       percentile(w_log10_atten_init, 0.1) AS w_log10_atten_init_p10,
       percentile(w_log10_atten_init, 0.9) AS w_log10_atten_init_p90,
       percentile(w_log10_atten_train, 0.5) AS w_log10_atten_train_median,
       percentile(w_log10_atten_train, 0.1) AS w_log10_atten_train_p10,
       percentile(w_log10_atten_train, 0.9) AS w_log10_atten_train_p90,
       CASE WHEN l.depth >= 2 THEN power(10, percentile(w_log10_atten_init, 0.5) / (l.depth - 1)) END AS w_layer_factor_init,
       percentile(log10_relative_grad_init, 0.5) AS log10_relative_grad_init_median,
       avg(CAST(vanishing AS DOUBLE)) AS vanishing_rate,
       avg(CAST(exploding AS DOUBLE)) AS exploding_rate,
       avg(CAST(diverged AS DOUBLE)) AS diverged_rate,
       avg(CAST(failed AS DOUBLE)) AS failed_rate,
       avg(CAST(symmetric AS DOUBLE)) AS symmetric_rate,
       percentile(train_loss, 0.5) AS train_loss_median,
       percentile(test_accuracy, 0.5) AS test_accuracy_median,
       avg(clip_rate) AS clip_rate_mean,
       percentile(dead_fraction, 0.5) AS dead_fraction_median,
       percentile(saturated_fraction, 0.5) AS saturated_fraction_median,
       first(vanishing_log10) AS vanishing_log10,
       first(exploding_log10) AS exploding_log10,
       first(relative_gradient_log10) AS relative_gradient_log10
FROM long l
GROUP BY l.study, l.axis, l.value, l.depth
