-- Run history: every run command of every study in the order it started, with how long it took, what
-- it ran and how it ended (complete, partial: a budget stopped it, or failed) and why.
-- Columns: study, run_id, started_at, ended_at, seconds (wall-clock), planned, already_done, ran, ok,
-- diverged, failed, timeout, remaining, exit_status, exit_code, reason, master.
-- Base table: runs. In DuckDB define unix_millis first: CREATE MACRO unix_millis(ts) AS epoch_ms(ts);
SELECT study, run_id, started_at, ended_at,
       (unix_millis(ended_at) - unix_millis(started_at)) / 1000 AS seconds,
       planned, already_done, ran, ok, diverged, failed, timeout, remaining, exit_status, exit_code, reason, master
FROM runs
ORDER BY started_at, study, run_id;
