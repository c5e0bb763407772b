-- Which techniques stop divergence at high learning rates: at the highest learning rate a study tried
-- with each optimizer, the share of trials that diverged (a NaN/Inf loss or gradient) for each
-- combination of clipping, clip threshold, L2 and batch normalization, least divergence first. The
-- row with clipping none, l2 0 and normalization none is the baseline to beat; other axes are pooled.
-- Columns: study, optimizer, learning_rate, clipping, clip_threshold (null without clipping), l2,
-- normalization, trials, diverged, diverged_rate, test_accuracy_median (of the trials with one).
-- Base table: trials. Runs unchanged in DuckDB.
WITH highest AS (
  SELECT study, optimizer, max(learning_rate) AS learning_rate
  FROM trials
  GROUP BY study, optimizer
)
SELECT t.study, t.optimizer, t.learning_rate, t.clipping, t.clip_threshold, t.l2, t.normalization,
       count(*) AS trials,
       count(CASE WHEN t.status = 'diverged' THEN 1 END) AS diverged,
       avg(CASE WHEN t.status = 'diverged' THEN 1 ELSE 0 END) AS diverged_rate,
       median(t.test_accuracy) AS test_accuracy_median
FROM trials t
JOIN highest h ON t.study = h.study AND t.optimizer = h.optimizer AND t.learning_rate = h.learning_rate
GROUP BY t.study, t.optimizer, t.learning_rate, t.clipping, t.clip_threshold, t.l2, t.normalization
ORDER BY t.study, t.optimizer, diverged_rate, t.clipping, t.clip_threshold NULLS FIRST, t.l2, t.normalization;
