-- Matched-pair effects on the log10 bias-gradient attenuation at init and on the divergence rate, with
-- their 95% bootstrap intervals; decided = 'yes' when either interval excludes 0.
-- Columns: study, axis, value, baseline, depth, pairs, d_log10_atten_init_median, d_log10_atten_init_low,
-- d_log10_atten_init_high, d_diverged_rate, d_diverged_rate_low, d_diverged_rate_high, decided.
SELECT study, axis, value, baseline, depth, pairs,
       d_log10_atten_init_median, d_log10_atten_init_low, d_log10_atten_init_high,
       d_diverged_rate, d_diverged_rate_low, d_diverged_rate_high,
       CASE WHEN d_log10_atten_init_low > 0 OR d_log10_atten_init_high < 0 OR d_diverged_rate_low > 0
                 OR d_diverged_rate_high < 0 THEN 'yes' ELSE 'no' END AS decided
FROM technique_effects
ORDER BY study, axis, value, baseline, depth
