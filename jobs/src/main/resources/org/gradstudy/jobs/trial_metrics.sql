-- trial_metrics: one row per trial, the per-trial numbers every other aggregate starts from.
-- Views: trials, layer_stats, thresholds (study, vanishing_log10, exploding_log10, relative_gradient_log10).
-- One pass over layer_stats groups it by (trial, step, param); a second, small pass makes one row per trial.
-- Depth attenuation r = ||g_1|| / ||g_L||: first hidden layer's gradient L2 norm over the last hidden
-- layer's, for weights (w_) and biases (b_: they track the back-propagated signal delta). "init" is step 0,
-- "train" the trial's median over its recorded steps > 0 (quantiles(x): gradstudy's exact p10/p50/p90, the
-- same linear interpolation as Spark's percentile, in one primitive-array aggregate).
WITH by_step AS (
  SELECT study, trial_id, step, param,
         max(grad_l2) FILTER (WHERE layer_kind = 'hidden' AND layer = 1) AS g_first,
         max(grad_l2) FILTER (WHERE layer_kind = 'hidden' AND layer = depth AND depth >= 2) AS g_last,
         max(CASE WHEN grad_l2 > 0 AND param_l2 > 0 THEN log10(grad_l2 / param_l2) END)
             FILTER (WHERE layer_kind = 'hidden' AND layer = 1) AS log10_rel_first,
         avg(act_dead_fraction) FILTER (WHERE layer_kind = 'hidden') AS dead,
         avg(act_saturated_fraction) FILTER (WHERE layer_kind = 'hidden') AS saturated,
         -- every hidden gradient tensor has all-equal entries (std <= 1e-7 mean |g|, or all zero)
         min(CASE WHEN grad_std <= 1e-7 * grad_mean_abs THEN 1 ELSE 0 END) FILTER (WHERE layer_kind = 'hidden') AS uniform,
         sum(grad_nonfinite) AS nonfinite
  FROM layer_stats
  GROUP BY study, trial_id, step, param
),
per_trial AS (
  SELECT study, trial_id,
         max(CASE WHEN g_first > 0 AND g_last > 0 THEN log10(g_first / g_last) END) FILTER (WHERE param = 'W' AND step = 0) AS w_init,
         quantiles(CASE WHEN g_first > 0 AND g_last > 0 THEN log10(g_first / g_last) END) FILTER (WHERE param = 'W' AND step > 0) AS w_train,
         max(CASE WHEN g_first > 0 AND g_last > 0 THEN log10(g_first / g_last) END) FILTER (WHERE param = 'b' AND step = 0) AS b_init,
         quantiles(CASE WHEN g_first > 0 AND g_last > 0 THEN log10(g_first / g_last) END) FILTER (WHERE param = 'b' AND step > 0) AS b_train,
         max(g_first) FILTER (WHERE param = 'W' AND step = 0) AS g_first_init,
         max(log10_rel_first) FILTER (WHERE param = 'W' AND step = 0) AS rel_init,
         avg(dead) FILTER (WHERE param = 'W') AS dead,
         avg(saturated) FILTER (WHERE param = 'W') AS saturated,
         max_by(uniform, step) FILTER (WHERE param = 'W') AS uniform_last,
         sum(nonfinite) AS nonfinite
  FROM by_step
  GROUP BY study, trial_id
)
SELECT t.study, t.trial_id, ${t.axes}, t.replicate, t.status, t.steps, t.steps_run,
       p.w_init AS w_log10_atten_init,
       p.w_train.p50 AS w_log10_atten_train,
       p.b_init AS b_log10_atten_init,
       p.b_train.p50 AS b_log10_atten_train,
       CASE WHEN t.depth >= 2 THEN power(10, p.b_init / (t.depth - 1)) END AS b_layer_factor_init,
       p.rel_init AS log10_relative_grad_init,
       p.dead AS dead_fraction,
       p.saturated AS saturated_fraction,
       p.uniform_last = 1 AS symmetric,
       CASE WHEN p.trial_id IS NULL THEN NULL
            ELSE coalesce(p.b_init < h.vanishing_log10, false) OR coalesce(p.rel_init < h.relative_gradient_log10, false)
                 OR coalesce(p.g_first_init = 0, false) END AS vanishing,
       CASE WHEN p.trial_id IS NULL THEN NULL
            ELSE coalesce(p.b_init > h.exploding_log10, false) OR p.nonfinite > 0 OR t.first_nonfinite_step IS NOT NULL END AS exploding,
       t.status = 'diverged' AS diverged,
       t.status IN ('failed', 'timeout') AS failed,
       t.train_loss, t.test_accuracy, t.clip_rate, t.wall_ms,
       h.vanishing_log10, h.exploding_log10, h.relative_gradient_log10
FROM trials t
LEFT JOIN per_trial p ON t.study = p.study AND t.trial_id = p.trial_id
LEFT JOIN thresholds h ON t.study = h.study
