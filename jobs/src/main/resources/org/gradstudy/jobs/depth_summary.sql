-- depth_summary: one row per study and combination of axis values (depth is one of them).
-- Depth attenuation r = ||g_1|| / ||g_L||: the first hidden layer's gradient L2 norm over the last
-- hidden layer's, for weight (w_) and bias (b_) gradients; bias gradients track the back-propagated
-- signal, weight gradients also carry the forward activations. log10 r far below 0 = vanishing, far
-- above 0 = exploding. "init" is step 0; "train" is the trial's median over its recorded steps > 0.
-- Medians and 10th/90th percentiles are across the trials (seeds) of the group; the per-layer factor
-- is 10^(median log10 r / (depth - 1)). ${axes} is replaced by the axis columns.
-- Read from trial_metrics (one row per trial, every trial of the study, with the per-trial
-- attenuations defined as above), so layer_stats is scanned once per aggregation, by trial_metrics.sql.
WITH g AS (
  SELECT study, ${axes},
         count(*) AS trials,
         avg(CASE WHEN status = 'ok' THEN 1.0 ELSE 0.0 END) AS ok_rate,
         avg(CASE WHEN status = 'diverged' THEN 1.0 ELSE 0.0 END) AS diverged_rate,
         avg(CASE WHEN status = 'failed' THEN 1.0 ELSE 0.0 END) AS failed_rate,
         -- one exact percentile aggregate per column, at (p10, median, p90)
         percentile(w_log10_atten_init, array(0.1, 0.5, 0.9)) AS w_init,
         percentile(w_log10_atten_train, array(0.1, 0.5, 0.9)) AS w_train,
         percentile(b_log10_atten_init, array(0.1, 0.5, 0.9)) AS b_init,
         percentile(b_log10_atten_train, array(0.1, 0.5, 0.9)) AS b_train,
         percentile(train_loss, 0.5) AS train_loss_median,
         percentile(test_accuracy, 0.5) AS test_accuracy_median
  FROM trial_metrics
  GROUP BY study, ${axes}
)
SELECT study, ${axes}, trials, ok_rate, diverged_rate, failed_rate,
       w_init[1] AS w_log10_atten_init_median, w_init[0] AS w_log10_atten_init_p10, w_init[2] AS w_log10_atten_init_p90,
       w_train[1] AS w_log10_atten_train_median, w_train[0] AS w_log10_atten_train_p10, w_train[2] AS w_log10_atten_train_p90,
       power(10, w_init[1] / (depth - 1)) AS w_layer_factor_init,
       b_init[1] AS b_log10_atten_init_median, b_init[0] AS b_log10_atten_init_p10, b_init[2] AS b_log10_atten_init_p90,
       b_train[1] AS b_log10_atten_train_median, b_train[0] AS b_log10_atten_train_p10, b_train[2] AS b_log10_atten_train_p90,
       power(10, b_init[1] / (depth - 1)) AS b_layer_factor_init,
       train_loss_median, test_accuracy_median
FROM g
