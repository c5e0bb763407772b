package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gradstudy run <study.conf>}: parses the study, then runs it on Spark. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run every trial of a study and write its tables (trials, layer_stats, runs) and aggregates.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "STUDY", description = "study file (HOCON), e.g. conf/studies/quick.conf")
    Path study;

    @Option(names = "--warehouse", paramLabel = "DIR", defaultValue = "warehouse",
            description = "directory or Hadoop URI of the tables (default: ${DEFAULT-VALUE})")
    String warehouse;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master; default: spark-submit's, else embedded local[*]")
    String master;

    @Option(names = "--ui", description = "keep the Spark UI on in local mode")
    boolean ui;

    @Option(names = "--max-trials", paramLabel = "N", defaultValue = "0",
            description = "run at most N pending trials, then stop cleanly (exit 3 if the study is not complete)")
    int maxTrials;

    @Option(names = "--max-minutes", paramLabel = "M", defaultValue = "0",
            description = "start no new batch after M minutes (exit 3 if the study is not complete)")
    double maxMinutes;

    @Option(names = "--retry-failed", description = "rerun the trials recorded failed or timeout")
    boolean retryFailed;

    @Option(names = "--trial-timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "stop a trial after SECONDS at its next step and record it as timeout (0 = none)")
    double trialTimeout;

    @Option(names = "--max-failure-rate", paramLabel = "F", defaultValue = "0.5",
            description = "circuit breaker: stop (exit 1) when more than F of this run's trials failed, after 10 (default: ${DEFAULT-VALUE})")
    double maxFailureRate;

    @Option(names = "--commit-every", paramLabel = "N", defaultValue = "0",
            description = "trials per atomically committed batch (default: automatic, about a minute of work at the measured rate, 2 x parallelism to 500)")
    int commitEvery;

    @Override
    public Integer call() {
        if (maxTrials < 0 || maxMinutes < 0 || trialTimeout < 0 || commitEvery < 0 || !(maxFailureRate >= 0 && maxFailureRate <= 1))
            throw new BadInputException("--max-trials, --max-minutes, --trial-timeout and --commit-every must be >= 0 "
                    + "and --max-failure-rate between 0 and 1");
        Study parsed = StudyParser.parse(study); // fails before Spark starts: nothing is written
        Warehouse wh = new Warehouse(warehouse);
        wh.checkWritable(new org.apache.hadoop.conf.Configuration()); // before Spark starts, too
        try (SparkSession spark = Sessions.create("gradstudy run " + parsed.name(), master, ui)) {
            RunJob.Options opts = new RunJob.Options(maxTrials, maxMinutes, retryFailed, trialTimeout, maxFailureRate, commitEvery);
            RunJob.Outcome outcome = parsed.search() != null ? SearchJob.run(spark, parsed, wh, opts) : RunJob.run(spark, parsed, wh, opts);
            System.out.printf("%nstudy %s: %d trials planned, %d already done; this run: %d ran (%d ok, %d diverged, "
                            + "%d failed, %d timeout), %d left: %s%s%n", parsed.name(), outcome.planned(), outcome.alreadyDone(),
                    outcome.ran(), outcome.ok(), outcome.diverged(), outcome.failed(), outcome.timeout(), outcome.remaining(),
                    outcome.exit().key(), outcome.reason() == null ? "" : " (" + outcome.reason() + ")");
            System.out.println("tables (partition study=" + parsed.name() + "):");
            List<String> tables = new ArrayList<>(List.of(TrialsTable.NAME, LayerStatsTable.NAME, RunsTable.NAME));
            tables.addAll(AggregateJob.TABLES);
            for (String t : tables) System.out.println("  " + t + " = " + wh.table(t));
            System.out.println();
            if (parsed.search() != null) {
                System.out.println("  " + SearchJob.NAME + " = " + wh.table(SearchJob.NAME) + "\n");
                System.out.println(spark.read().parquet(wh.table(SearchJob.NAME)).where("study = '" + parsed.name() + "'")
                        .drop("study").showString(200, 0, false));
            } else System.out.println(RunJob.headline(spark, wh, parsed).showString(200, 0, false));
            return outcome.exitCode();
        }
    }
}
