package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gradstudy run <study.conf>}: parses the study, then runs it on Spark. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run every trial of a study and write its tables (trials, layer_stats, depth_summary).")
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

    @Override
    public Integer call() {
        Study parsed = StudyParser.parse(study); // fails before Spark starts: nothing is written
        Warehouse wh = new Warehouse(warehouse);
        wh.checkWritable(new org.apache.hadoop.conf.Configuration()); // before Spark starts, too
        try (SparkSession spark = Sessions.create("gradstudy run " + parsed.name(), master, ui)) {
            RunJob.Outcome outcome = RunJob.run(spark, parsed, wh);
            System.out.printf("%nstudy %s: %d trials: %d ok, %d diverged, %d failed%n", parsed.name(),
                    outcome.planned(), outcome.ok(), outcome.diverged(), outcome.failed());
            System.out.println("tables (partition study=" + parsed.name() + "):");
            for (String t : new String[] {TrialsTable.NAME, LayerStatsTable.NAME, DepthSummary.NAME})
                System.out.println("  " + t + " = " + wh.table(t));
            System.out.println();
            System.out.println(RunJob.headline(spark, wh, parsed).showString(200, 0, false));
            return outcome.exitCode();
        }
    }
}
