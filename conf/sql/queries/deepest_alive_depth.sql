-- The deepest depth at which each technique value keeps gradients alive at init: fewer than half of its
-- trials vanish and fewer than half explode (technique_depth rates, thresholds of the study's analysis).
-- Columns: study, axis, value, deepest_alive (null: at no depth tried), shallowest_tried, deepest_tried.
SELECT study, axis, value,
       max(CASE WHEN vanishing_rate < 0.5 AND exploding_rate < 0.5 THEN depth END) AS deepest_alive,
       min(depth) AS shallowest_tried, max(depth) AS deepest_tried
FROM technique_depth
GROUP BY study, axis, value
ORDER BY study, axis, value
