-- Matched pairs for one axis (${axis}): every trial paired with its twin that differs only in that axis
-- (same study, replicate, so the same seed, data and batch order, and every other axis equal; axes that
-- only apply to one side, like the leaky-relu slope for activation, are not compared). The baseline is
-- the value earlier in the axis's order (enum order, or the smaller number). Failed trials are left out.
SELECT a.study, '${axis}' AS axis, CAST(a.${axis} AS STRING) AS value, CAST(b.${axis} AS STRING) AS baseline, a.depth,
       a.b_log10_atten_init - b.b_log10_atten_init AS d_log10_atten_init,
       abs(a.b_log10_atten_init) - abs(b.b_log10_atten_init) AS d_abs_log10_atten_init,
       abs(a.b_log10_atten_train) - abs(b.b_log10_atten_train) AS d_abs_log10_atten_train,
       CAST(a.diverged AS DOUBLE) - CAST(b.diverged AS DOUBLE) AS d_diverged,
       a.test_accuracy - b.test_accuracy AS d_test_accuracy
FROM trial_metrics a
JOIN trial_metrics b
  ON a.study = b.study AND a.replicate = b.replicate AND ${match} AND ${order_a} > ${order_b}
WHERE NOT a.failed AND NOT b.failed
