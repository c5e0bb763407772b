package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gradstudy report}: an HTML report of one study, drawn from its aggregate tables. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render a self-contained HTML report of a study (index.html and one PNG per chart) from its aggregate "
                + "tables: gradient norm per layer, attenuation by technique and depth, divergence versus learning rate and "
                + "clipping, the init-gain sweep against mean-field theory, matched-pair effects, and the seven claims. "
                + "Exit 2 if the study or its aggregate tables are missing (run `gradstudy aggregate`).")
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--warehouse", paramLabel = "DIR", defaultValue = "warehouse",
            description = "directory or Hadoop URI of the tables (default: ${DEFAULT-VALUE})")
    String warehouse;

    @Option(names = "--study", paramLabel = "NAME", required = true, description = "the study to report")
    String study;

    @Option(names = "--out", paramLabel = "DIR",
            description = "local directory of the report (default: reports/NAME); replaced only if it holds a previous report")
    Path out;

    @Option(names = "--depth", paramLabel = "D",
            description = "depth of the per-layer gradient charts and the gain sweep (default: the deepest for the per-layer "
                    + "charts, every depth for the gain sweep)")
    Integer depth;

    @Option(names = "--axis", paramLabel = "A",
            description = "only this axis (e.g. activation, init) in the per-axis charts (default: every axis the study varies)")
    String axis;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master; default: spark-submit's, else embedded local[*]")
    String master;

    @Override
    public Integer call() {
        System.setProperty("java.awt.headless", "true"); // charts are drawn off-screen
        ReportJob.Options o = new ReportJob.Options(warehouse, study, out != null ? out : Path.of("reports", study), depth, axis);
        ReportJob.check(new org.apache.hadoop.conf.Configuration(), o); // before Spark starts: bad input fails fast
        try (SparkSession spark = Sessions.create("gradstudy report " + study, master, false)) {
            ReportJob.Result r = ReportJob.run(spark, o);
            System.out.printf("study %s: report with %d charts written to %s%n", study, r.charts().size(), r.index().toAbsolutePath());
            return 0;
        }
    }
}
