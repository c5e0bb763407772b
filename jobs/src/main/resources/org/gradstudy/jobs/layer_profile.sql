-- layer_profile: gradient L2 norm and update:parameter ratio layer by layer, per (axis, value, depth,
-- layer, param, phase): the data behind "gradient norm versus layer" curves. Phase: init = step 0,
-- early = recorded steps in (0, steps/2], late = the rest. Each trial first contributes its median over
-- the phase's recorded steps; medians and 10th/90th percentiles are then across trials.
WITH per_trial AS (
  SELECT s.study, s.trial_id, s.depth, s.layer, s.layer_kind, s.param,
         CASE WHEN s.step = 0 THEN 'init' WHEN s.step <= t.steps / 2 THEN 'early' ELSE 'late' END AS phase,
         percentile(s.grad_l2, 0.5) AS grad_l2,
         percentile(s.update_ratio, 0.5) AS update_ratio
  FROM layer_stats s
  JOIN trials t ON s.study = t.study AND s.trial_id = t.trial_id
  GROUP BY s.study, s.trial_id, s.depth, s.layer, s.layer_kind, s.param,
           CASE WHEN s.step = 0 THEN 'init' WHEN s.step <= t.steps / 2 THEN 'early' ELSE 'late' END
),
axes AS (
  SELECT m.study, m.trial_id, s.axis, s.value
  FROM trial_metrics m
  LATERAL VIEW ${axis_stack} s AS axis, value
  WHERE s.value IS NOT NULL
),
varied AS (
  SELECT study, axis FROM axes GROUP BY study, axis HAVING count(DISTINCT value) > 1
)
SELECT p.study, a.axis, a.value, p.depth, p.layer, p.layer_kind, p.param, p.phase,
       count(*) AS trials,
       percentile(p.grad_l2, 0.5) AS grad_l2_median,
       percentile(p.grad_l2, 0.1) AS grad_l2_p10,
       percentile(p.grad_l2, 0.9) AS grad_l2_p90,
       percentile(p.update_ratio, 0.5) AS update_ratio_median,
       percentile(p.update_ratio, 0.1) AS update_ratio_p10,
       percentile(p.update_ratio, 0.9) AS update_ratio_p90
FROM per_trial p
JOIN axes a ON p.study = a.study AND p.trial_id = a.trial_id
JOIN varied v ON a.study = v.study AND a.axis = v.axis
GROUP BY p.study, a.axis, a.value, p.depth, p.layer, p.layer_kind, p.param, p.phase
