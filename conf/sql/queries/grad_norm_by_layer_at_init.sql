-- Gradient norm by layer at initialization for each activation: at step 0 (before any update), the
-- median and 10th/90th percentiles across trials of each layer's gradient L2 norm, per parameter tensor
-- (b: biases, which carry the back-propagated signal; W: weights; gamma/beta: batch norm). Plot
-- grad_l2_median against layer (1 = nearest the input, depth + 1 = the output layer) on a log scale:
-- a falling curve toward layer 1 is vanishing, a rising one exploding. Learning rate, optimizer,
-- clipping and L2 do not change step 0 and are pooled, as are the axes not listed (e.g. width, input).
-- Columns: study, activation, init, normalization, residual_every, depth, layer, layer_kind, param,
-- trials, grad_l2_median, grad_l2_p10, grad_l2_p90.
-- Base table: layer_stats. Runs unchanged in DuckDB.
SELECT study, activation, init, normalization, residual_every, depth, layer, layer_kind, param,
       count(*) AS trials,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY grad_l2) AS grad_l2_median,
       percentile_cont(0.1) WITHIN GROUP (ORDER BY grad_l2) AS grad_l2_p10,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY grad_l2) AS grad_l2_p90
FROM layer_stats
WHERE step = 0
GROUP BY study, activation, init, normalization, residual_every, depth, layer, layer_kind, param
ORDER BY study, activation, init, normalization, residual_every, depth, param, layer;
