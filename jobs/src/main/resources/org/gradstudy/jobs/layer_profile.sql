-- layer_profile: gradient L2 norm and update:parameter ratio layer by layer, per (axis, value, depth,
-- layer, param, phase): the data behind "gradient norm versus layer" curves. Phase: init = step 0,
-- early = recorded steps in (0, steps/2], late = the rest. Each trial first contributes, per tensor and
-- phase, the geometric mean of the statistic over the phase's recorded steps (0 when a step recorded 0;
-- NaN/Inf when one did): the mean on the log scale these norms are read on, and a plain hash aggregate
-- (exact per-trial medians made this table cost 60 s of a 10M-row aggregation). Medians and 10th/90th
-- percentiles are then across trials (exact, linear interpolation).
-- ${varied_stack} turns each trial into one (axis, value) row per axis the study varies. The axes come from
-- trials (trial_metrics has the same rows and axis columns), so this query needs no other derived table
-- and runs beside trial_metrics.
WITH per_trial AS (
  SELECT s.study, s.trial_id, s.layer, s.layer_kind = 'output' AS is_output, s.param,
         CASE WHEN s.step = 0 THEN 0 WHEN s.step <= t.steps / 2 THEN 1 ELSE 2 END AS phase,
         CASE WHEN count(s.grad_l2) = 0 THEN NULL WHEN min(s.grad_l2) <= 0 THEN 0.0
              ELSE power(10, avg(log10(s.grad_l2))) END AS grad_l2,
         CASE WHEN count(s.update_ratio) = 0 THEN NULL WHEN min(s.update_ratio) <= 0 THEN 0.0
              ELSE power(10, avg(log10(s.update_ratio))) END AS update_ratio
  FROM layer_stats s
  JOIN trials t ON s.study = t.study AND s.trial_id = t.trial_id
  GROUP BY s.study, s.trial_id, s.layer, s.layer_kind = 'output', s.param,
           CASE WHEN s.step = 0 THEN 0 WHEN s.step <= t.steps / 2 THEN 1 ELSE 2 END
),
axes AS (
  SELECT m.study, m.trial_id, m.depth, s.axis, s.value
  FROM trials m
  LATERAL VIEW ${varied_stack} s AS axis, value
  WHERE s.value IS NOT NULL
),
g AS (
  SELECT a.study, a.axis, a.value, a.depth, p.layer, p.is_output, p.param, p.phase,
         count(*) AS trials,
         -- one exact quantiles aggregate per statistic: (p10, p50, p90)
         quantiles(p.grad_l2) AS grad_l2,
         quantiles(p.update_ratio) AS update_ratio
  FROM per_trial p
  JOIN axes a ON p.study = a.study AND p.trial_id = a.trial_id
  GROUP BY a.study, a.axis, a.value, a.depth, p.layer, p.is_output, p.param, p.phase
)
SELECT study, axis, value, depth, layer, CASE WHEN is_output THEN 'output' ELSE 'hidden' END AS layer_kind, param,
       element_at(array('init', 'early', 'late'), phase + 1) AS phase,
       trials,
       grad_l2.p50 AS grad_l2_median, grad_l2.p10 AS grad_l2_p10, grad_l2.p90 AS grad_l2_p90,
       update_ratio.p50 AS update_ratio_median, update_ratio.p10 AS update_ratio_p10, update_ratio.p90 AS update_ratio_p90
FROM g
