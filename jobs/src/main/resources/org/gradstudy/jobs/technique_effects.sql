-- technique_effects: per (axis, value, baseline, depth), the paired differences value - baseline over the
-- matched pairs of the view effect_pairs, with 95% percentile-bootstrap intervals (2000 resamples, seeded
-- by the group, so reruns are identical). Attenuations are log10 of bias-gradient depth attenuation:
-- "abs" metrics measure the distance from a healthy 0 (a negative difference = closer to healthy).
-- The divergence difference is the mean of the paired differences: the change in divergence rate.
WITH g AS (
  SELECT study, axis, value, baseline, depth, count(*) AS pairs,
         bootstrap_median(collect_list(d_log10_atten_init), hash(study, axis, value, baseline, depth, 1)) AS a,
         bootstrap_median(collect_list(d_abs_log10_atten_init), hash(study, axis, value, baseline, depth, 2)) AS ai,
         bootstrap_median(collect_list(d_abs_log10_atten_train), hash(study, axis, value, baseline, depth, 3)) AS at,
         bootstrap_mean(collect_list(d_diverged), hash(study, axis, value, baseline, depth, 4)) AS d,
         bootstrap_median(collect_list(d_test_accuracy), hash(study, axis, value, baseline, depth, 5)) AS acc
  FROM effect_pairs
  GROUP BY study, axis, value, baseline, depth
)
SELECT study, axis, value, baseline, depth, pairs,
       a.estimate AS d_log10_atten_init_median, a.low AS d_log10_atten_init_low, a.high AS d_log10_atten_init_high,
       ai.estimate AS d_abs_log10_atten_init_median, ai.low AS d_abs_log10_atten_init_low, ai.high AS d_abs_log10_atten_init_high,
       at.estimate AS d_abs_log10_atten_train_median, at.low AS d_abs_log10_atten_train_low, at.high AS d_abs_log10_atten_train_high,
       d.estimate AS d_diverged_rate, d.low AS d_diverged_rate_low, d.high AS d_diverged_rate_high,
       acc.estimate AS d_test_accuracy_median, acc.low AS d_test_accuracy_low, acc.high AS d_test_accuracy_high
FROM g
