package org.gradstudy.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gradstudy.study.Expander;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyParser;
import org.gradstudy.study.TrialConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import static org.apache.spark.sql.functions.col;

/** {@code gradstudy status <study.conf>}: progress of a study from its tables. Exit 0 complete, 3 not yet. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print a study's progress from its tables: trials done by status, pending, last runs. Exit 0 if complete, 3 if not.")
final class StatusCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "STUDY", description = "study file (HOCON)")
    Path study;

    @Option(names = "--warehouse", paramLabel = "DIR", defaultValue = "warehouse", description = "tables (default: ${DEFAULT-VALUE})")
    String warehouse;

    @Override
    public Integer call() {
        Study s = StudyParser.parse(study);
        try (SparkSession spark = Sessions.create("gradstudy status " + s.name(), "local[1]", false)) {
            Warehouse wh = new Warehouse(warehouse);
            Commits commits = new Commits(spark, wh, s.name());
            s = UserDataLoader.bind(spark, s).study();
            List<TrialConfig> trials = Expander.expand(s).trials();
            Set<String> ids = new HashSet<>();
            trials.forEach(t -> ids.add(t.trialId()));
            Map<String, Long> byStatus = new HashMap<>();
            long done = 0, stale = 0;
            for (Row r : commits.read(TrialsTable.NAME, TrialsTable.SCHEMA).select(TrialsTable.TRIAL_ID, TrialsTable.STATUS).collectAsList()) {
                if (!ids.contains(r.getString(0))) { stale++; continue; }
                done++;
                byStatus.merge(r.getString(1), 1L, Long::sum);
            }
            System.out.printf("study %s (%s), warehouse %s%n", s.name(), study, warehouse);
            System.out.printf("trials: %d planned, %d done (%s), %d pending%n", trials.size(), done,
                    byStatus.isEmpty() ? "none" : byStatus.toString().replaceAll("[{}]", ""), trials.size() - done);
            if (stale > 0) System.out.printf("also %d rows of trials no longer in the study file (changed settings or axes)%n", stale);
            List<Row> runs = commits.read(RunsTable.NAME, RunsTable.SCHEMA).orderBy(col(RunsTable.STARTED_AT).desc()).limit(5).collectAsList();
            for (Row r : runs)
                System.out.printf("run %s: %s to %s, ran %d (%d ok, %d diverged, %d failed, %d timeout): %s%n",
                        r.getAs(RunsTable.RUN_ID), r.getAs(RunsTable.STARTED_AT), r.getAs(RunsTable.ENDED_AT), (Long) r.getAs(RunsTable.RAN),
                        (Long) r.getAs(RunsTable.OK), (Long) r.getAs(RunsTable.DIVERGED), (Long) r.getAs(RunsTable.FAILED),
                        (Long) r.getAs(RunsTable.TIMEOUT), r.getAs(RunsTable.EXIT_STATUS));
            boolean complete = done == trials.size();
            System.out.println(complete ? "complete" : "not complete: run it again to continue");
            return complete ? 0 : RunJob.Exit.PARTIAL.code();
        }
    }
}
