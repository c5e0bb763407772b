-- depth_summary: one row per study and combination of axis values (depth is one of them).
-- Depth attenuation r = ||g_1|| / ||g_L||: the first hidden layer's gradient L2 norm over the last
-- hidden layer's, for weight (w_) and bias (b_) gradients; bias gradients track the back-propagated
-- signal, weight gradients also carry the forward activations. log10 r far below 0 = vanishing, far
-- above 0 = exploding. "init" is step 0; "train" is the trial's median over its recorded steps > 0.
-- Medians and 10th/90th percentiles are across the trials (seeds) of the group; the per-layer factor
-- is 10^(median log10 r / (depth - 1)). ${axes} is replaced by the axis columns.
WITH hidden AS (
  SELECT study, trial_id, step, param,
         max(CASE WHEN layer = 1 THEN grad_l2 END) AS g_first,
         max(CASE WHEN layer = depth THEN grad_l2 END) AS g_last
  FROM layer_stats
  WHERE layer_kind = 'hidden' AND depth >= 2
  GROUP BY study, trial_id, step, param
),
atten AS (
  SELECT study, trial_id, param, step,
         CASE WHEN g_first > 0 AND g_last > 0 THEN log10(g_first / g_last) END AS log10_atten
  FROM hidden
),
per_trial AS (
  SELECT study, trial_id,
         max(CASE WHEN param = 'W' AND step = 0 THEN log10_atten END) AS w_init,
         percentile(CASE WHEN param = 'W' AND step > 0 THEN log10_atten END, 0.5) AS w_train,
         max(CASE WHEN param = 'b' AND step = 0 THEN log10_atten END) AS b_init,
         percentile(CASE WHEN param = 'b' AND step > 0 THEN log10_atten END, 0.5) AS b_train
  FROM atten
  GROUP BY study, trial_id
)
SELECT t.study, ${t.axes},
       count(*) AS trials,
       avg(CASE WHEN t.status = 'ok' THEN 1.0 ELSE 0.0 END) AS ok_rate,
       avg(CASE WHEN t.status = 'diverged' THEN 1.0 ELSE 0.0 END) AS diverged_rate,
       avg(CASE WHEN t.status = 'failed' THEN 1.0 ELSE 0.0 END) AS failed_rate,
       percentile(p.w_init, 0.5) AS w_log10_atten_init_median,
       percentile(p.w_init, 0.1) AS w_log10_atten_init_p10,
       percentile(p.w_init, 0.9) AS w_log10_atten_init_p90,
       percentile(p.w_train, 0.5) AS w_log10_atten_train_median,
       percentile(p.w_train, 0.1) AS w_log10_atten_train_p10,
       percentile(p.w_train, 0.9) AS w_log10_atten_train_p90,
       power(10, percentile(p.w_init, 0.5) / (t.depth - 1)) AS w_layer_factor_init,
       percentile(p.b_init, 0.5) AS b_log10_atten_init_median,
       percentile(p.b_init, 0.1) AS b_log10_atten_init_p10,
       percentile(p.b_init, 0.9) AS b_log10_atten_init_p90,
       percentile(p.b_train, 0.5) AS b_log10_atten_train_median,
       percentile(p.b_train, 0.1) AS b_log10_atten_train_p10,
       percentile(p.b_train, 0.9) AS b_log10_atten_train_p90,
       power(10, percentile(p.b_init, 0.5) / (t.depth - 1)) AS b_layer_factor_init,
       percentile(t.train_loss, 0.5) AS train_loss_median,
       percentile(t.test_accuracy, 0.5) AS test_accuracy_median
FROM trials t
LEFT JOIN per_trial p ON t.study = p.study AND t.trial_id = p.trial_id
GROUP BY t.study, ${t.axes}
