-- The deepest depth at which each activation, and each value of the other technique axes, still trains.
-- A trial trains when it did not diverge or fail (status ok) and its test accuracy beats a chance-based
-- threshold: a quarter of the way from chance (1 / classes) to perfect, 0.5 for 3 classes, 0.625 for 2.
-- A depth counts when at least half of the trials with that value at that depth train; the other axes
-- are pooled (every trial with the value counts). Edit the 0.25 or the 0.5 below to change the bar.
-- Columns: study, technique (the axis column), value (as text), deepest_trained_depth (null: no depth
-- trained), deepest_depth_tried, trials and trained_rate (at deepest_trained_depth).
-- Base table: trials. Runs unchanged in DuckDB.
WITH outcome AS (
  SELECT study, activation, init, normalization, residual_every, clipping, l2, optimizer, input, depth,
         CASE WHEN status = 'ok' AND test_accuracy > 1 / classes + 0.25 * (1 - 1 / classes) THEN 1 ELSE 0 END AS trained
  FROM trials
),
by_value AS (
  SELECT study, 'activation' AS technique, activation AS value, depth, trained FROM outcome
  UNION ALL SELECT study, 'init', init, depth, trained FROM outcome
  UNION ALL SELECT study, 'normalization', normalization, depth, trained FROM outcome
  UNION ALL SELECT study, 'residual_every', CAST(residual_every AS STRING), depth, trained FROM outcome
  UNION ALL SELECT study, 'clipping', clipping, depth, trained FROM outcome
  UNION ALL SELECT study, 'l2', CAST(l2 AS STRING), depth, trained FROM outcome
  UNION ALL SELECT study, 'optimizer', optimizer, depth, trained FROM outcome
  UNION ALL SELECT study, 'input', input, depth, trained FROM outcome
),
per_depth AS (
  SELECT study, technique, value, depth, count(*) AS trials, avg(trained) AS trained_rate
  FROM by_value
  GROUP BY study, technique, value, depth
),
deepest AS (
  SELECT study, technique, value, max(depth) AS deepest_depth_tried,
         max(CASE WHEN trained_rate >= 0.5 THEN depth END) AS deepest_trained_depth
  FROM per_depth
  GROUP BY study, technique, value
)
SELECT d.study, d.technique, d.value, d.deepest_trained_depth, d.deepest_depth_tried, p.trials, p.trained_rate
FROM deepest d
LEFT JOIN per_depth p
  ON p.study = d.study AND p.technique = d.technique AND p.value = d.value AND p.depth = d.deepest_trained_depth
ORDER BY d.study, d.technique, d.value;
