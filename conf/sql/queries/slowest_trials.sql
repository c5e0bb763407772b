-- The 20 slowest trials of the warehouse by wall-clock time, with what they trained and where: where
-- the time goes (deep, wide, batch-normalized networks) and whether one executor is slow.
-- Columns: study, trial_id, activation, init, normalization, residual_every, depth, width, optimizer,
-- status, steps_run, wall_ms, ms_per_step (wall_ms / steps_run: includes data, set-up and evaluation;
-- null when no step ran), executor.
-- Base table: trials. Runs unchanged in DuckDB.
SELECT study, trial_id, activation, init, normalization, residual_every, depth, width, optimizer, status,
       steps_run, wall_ms,
       CASE WHEN steps_run > 0 THEN wall_ms / steps_run END AS ms_per_step,
       executor
FROM trials
ORDER BY wall_ms DESC, study, trial_id
LIMIT 20;
