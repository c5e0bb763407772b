-- Mean-field theory against the probe: the predicted per-layer factor of the back-propagated signal
-- beside the measured bias-gradient factor at step 0, and their ratio (1 = theory holds).
-- Columns: study, activation, init, init_gain, width, depth, trials, predicted_factor_finite,
-- measured_factor_median, measured_over_predicted.
SELECT study, activation, init, init_gain, width, depth, trials, predicted_factor_finite, measured_factor_median,
       measured_over_predicted
FROM theory
ORDER BY study, activation, init, init_gain, width, depth
