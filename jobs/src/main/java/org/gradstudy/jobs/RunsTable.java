package org.gradstudy.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.gradstudy.study.Analysis;

import java.sql.Timestamp;
import java.util.List;

/** The {@code runs} table: one row per invocation of {@code run}, partitioned by study. */
public final class RunsTable {
    public static final String NAME = "runs";
    public static final String STUDY = "study", RUN_ID = "run_id", STARTED_AT = "started_at", ENDED_AT = "ended_at",
            PLANNED = "planned", ALREADY_DONE = "already_done", RAN = "ran", OK = "ok", DIVERGED = "diverged",
            FAILED = "failed", TIMEOUT = "timeout", SKIPPED = "skipped", REMAINING = "remaining",
            EXIT_STATUS = "exit_status", EXIT_CODE = "exit_code", REASON = "reason", MASTER = "master",
            VERSIONS = "versions", SOURCE = "source", VANISHING_LOG10 = "vanishing_log10",
            EXPLODING_LOG10 = "exploding_log10", RELATIVE_GRADIENT_LOG10 = "relative_gradient_log10";

    public static final StructType SCHEMA = DataTypes.createStructType(List.of(
            Columns.field(STUDY, DataTypes.StringType, false, Columns.STUDY_COMMENT),
            Columns.field(RUN_ID, DataTypes.StringType, false, "UTC start time yyyyMMddTHHmmssZ and a random hex suffix"),
            Columns.field(STARTED_AT, DataTypes.TimestampType, false, "when the run started (an instant; printed in the session time zone, UTC by default)"),
            Columns.field(ENDED_AT, DataTypes.TimestampType, false, "when the run ended, after its last commit"),
            Columns.field(PLANNED, DataTypes.LongType, false, "trials in the study (for a boundary search: trials of its rounds)"),
            Columns.field(ALREADY_DONE, DataTypes.LongType, false, "of those, trials that had a result before this run"),
            Columns.field(RAN, DataTypes.LongType, false, "trials this run trained"),
            Columns.field(OK, DataTypes.LongType, false, "of those, status ok"),
            Columns.field(DIVERGED, DataTypes.LongType, false, "of those, status diverged"),
            Columns.field(FAILED, DataTypes.LongType, false, "of those, status failed"),
            Columns.field(TIMEOUT, DataTypes.LongType, false, "of those, status timeout"),
            Columns.field(SKIPPED, DataTypes.LongType, false, "pending trials this run left for later (a budget or the circuit breaker)"),
            Columns.field(REMAINING, DataTypes.LongType, false, "trials still without a result after this run (equal to skipped)"),
            Columns.field(EXIT_STATUS, DataTypes.StringType, false, "complete | partial (a budget stopped it: run again) | failed"),
            Columns.field(EXIT_CODE, DataTypes.IntegerType, false, "process exit code: 0 complete, 1 failed, 3 partial"),
            Columns.field(REASON, DataTypes.StringType, true, "why the run stopped early or failed; null when complete"),
            Columns.field(MASTER, DataTypes.StringType, false, "Spark master URL of the run"),
            Columns.field(VERSIONS, DataTypes.StringType, false, "gradstudy, DL4J, Java and Spark versions"),
            Columns.field(SOURCE, DataTypes.StringType, false, "the study file the run read"),
            Columns.field(VANISHING_LOG10, DataTypes.DoubleType, true, "analysis.vanishing-log10 of the run's study file: the aggregates' vanishing threshold"),
            Columns.field(EXPLODING_LOG10, DataTypes.DoubleType, true, "analysis.exploding-log10 of the run's study file: the aggregates' exploding threshold"),
            Columns.field(RELATIVE_GRADIENT_LOG10, DataTypes.DoubleType, true,
                    "analysis.relative-gradient-log10 of the run's study file: the aggregates' relative-gradient threshold")));

    private RunsTable() {}

    static Row toRow(String study, String runId, long startedMillis, long endedMillis, RunJob.Outcome o, String master,
                     String versions, String source, Analysis analysis) {
        return RowFactory.create(study, runId, new Timestamp(startedMillis), new Timestamp(endedMillis), o.planned(),
                o.alreadyDone(), o.ran(), o.ok(), o.diverged(), o.failed(), o.timeout(), o.skipped(), o.remaining(),
                o.exit().key(), o.exit().code(), o.reason(), master, versions, source,
                analysis.vanishingLog10(), analysis.explodingLog10(), analysis.relativeGradientLog10());
    }
}
