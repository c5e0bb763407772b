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
            Columns.field(STUDY, DataTypes.StringType, false),
            Columns.field(RUN_ID, DataTypes.StringType, false),
            Columns.field(STARTED_AT, DataTypes.TimestampType, false),
            Columns.field(ENDED_AT, DataTypes.TimestampType, false),
            Columns.field(PLANNED, DataTypes.LongType, false),
            Columns.field(ALREADY_DONE, DataTypes.LongType, false),
            Columns.field(RAN, DataTypes.LongType, false),
            Columns.field(OK, DataTypes.LongType, false),
            Columns.field(DIVERGED, DataTypes.LongType, false),
            Columns.field(FAILED, DataTypes.LongType, false),
            Columns.field(TIMEOUT, DataTypes.LongType, false),
            Columns.field(SKIPPED, DataTypes.LongType, false),
            Columns.field(REMAINING, DataTypes.LongType, false),
            Columns.field(EXIT_STATUS, DataTypes.StringType, false),
            Columns.field(EXIT_CODE, DataTypes.IntegerType, false),
            Columns.field(REASON, DataTypes.StringType, true),
            Columns.field(MASTER, DataTypes.StringType, false),
            Columns.field(VERSIONS, DataTypes.StringType, false),
            Columns.field(SOURCE, DataTypes.StringType, false),
            Columns.field(VANISHING_LOG10, DataTypes.DoubleType, true),
            Columns.field(EXPLODING_LOG10, DataTypes.DoubleType, true),
            Columns.field(RELATIVE_GRADIENT_LOG10, DataTypes.DoubleType, true)));

    private RunsTable() {}

    static Row toRow(String study, String runId, long startedMillis, long endedMillis, RunJob.Outcome o, String master,
                     String versions, String source, Analysis analysis) {
        return RowFactory.create(study, runId, new Timestamp(startedMillis), new Timestamp(endedMillis), o.planned(),
                o.alreadyDone(), o.ran(), o.ok(), o.diverged(), o.failed(), o.timeout(), o.skipped(), o.remaining(),
                o.exit().key(), o.exit().code(), o.reason(), master, versions, source,
                analysis.vanishingLog10(), analysis.explodingLog10(), analysis.relativeGradientLog10());
    }
}
