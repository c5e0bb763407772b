-- theory: for trials whose activation and init have a mean-field prediction (no batch norm, no residual
-- skips, standardized input, a non-zero init, depth >= 2), the predicted per-layer factor of the
-- back-propagated signal beside the measured bias-gradient factor (||g_1|| / ||g_L||)^(1 / (depth - 1))
-- at step 0. Every trial of a combination counts: nothing but the seed changes a network at step 0.
-- predicted_factor is sqrt(chi) at the forward fixed point; predicted_factor_finite follows the forward
-- variance layer by layer from the first layer's (the better prediction at finite depth).
SELECT p.study, p.activation, p.leaky_relu_slope, p.init, p.init_gain, p.width, p.depth,
       p.variance_scale, p.first_layer_variance_scale, p.chi, p.predicted_factor, p.predicted_factor_finite,
       count(*) AS trials,
       percentile(m.b_layer_factor_init, 0.5) AS measured_factor_median,
       percentile(m.b_layer_factor_init, 0.1) AS measured_factor_p10,
       percentile(m.b_layer_factor_init, 0.9) AS measured_factor_p90,
       percentile(m.b_layer_factor_init, 0.5) / p.predicted_factor_finite AS measured_over_predicted
FROM predictions p
JOIN trial_metrics m
  ON p.study = m.study AND p.activation = m.activation AND p.leaky_relu_slope <=> m.leaky_relu_slope
     AND p.init = m.init AND p.init_gain <=> m.init_gain AND p.width = m.width AND p.depth = m.depth
WHERE m.normalization = 'none' AND m.residual_every = 0 AND m.input = 'standardized' AND m.b_layer_factor_init IS NOT NULL
GROUP BY p.study, p.activation, p.leaky_relu_slope, p.init, p.init_gain, p.width, p.depth,
         p.variance_scale, p.first_layer_variance_scale, p.chi, p.predicted_factor, p.predicted_factor_finite
