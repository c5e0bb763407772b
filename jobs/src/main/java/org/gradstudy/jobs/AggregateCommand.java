package org.gradstudy.jobs;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code gradstudy aggregate}: recomputes the derived tables of one or every study of a warehouse. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = "Recompute the aggregate tables (trial_metrics, technique_depth, layer_profile, technique_effects, "
                + "theory, claims, depth_summary) from trials and layer_stats, for every study of the warehouse or those named. "
                + "Thresholds are those recorded by each study's last run. `run` does this at its end too.")
final class AggregateCommand implements Callable<Integer> {
    @Option(names = "--warehouse", paramLabel = "DIR", defaultValue = "warehouse",
            description = "directory or Hadoop URI of the tables (default: ${DEFAULT-VALUE})")
    String warehouse;

    @Option(names = "--study", paramLabel = "NAME", description = "only this study (repeatable); default: all")
    List<String> studies = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL", description = "Spark master; default: spark-submit's, else embedded local[*]")
    String master;

    @Override
    public Integer call() throws IOException {
        try (SparkSession spark = Sessions.create("gradstudy aggregate", master, false)) {
            Warehouse wh = new Warehouse(warehouse);
            List<String> present = studies(spark, wh);
            if (present.isEmpty())
                throw new BadInputException("warehouse " + warehouse + ": no trials table with a study in it; "
                        + "run a study first (gradstudy run STUDY.conf --warehouse " + warehouse + ")");
            for (String s : studies)
                if (!present.contains(s))
                    throw new BadInputException("warehouse " + warehouse + ": no study named " + s + "; studies: " + String.join(", ", present));
            wh.checkWritable(spark.sparkContext().hadoopConfiguration());
            for (String s : studies.isEmpty() ? present : studies) {
                long t0 = System.currentTimeMillis();
                AggregateJob.run(spark, wh, s);
                System.out.printf("study %s: %s recomputed in %.1f s%n", s, String.join(", ", AggregateJob.TABLES),
                        (System.currentTimeMillis() - t0) / 1000.0);
            }
            return 0;
        }
    }

    /** The studies with a partition of the trials table, sorted. */
    static List<String> studies(SparkSession spark, Warehouse wh) throws IOException {
        return studies(spark.sparkContext().hadoopConfiguration(), wh);
    }

    /** The studies with a partition of the trials table, sorted; needs no Spark session. */
    static List<String> studies(org.apache.hadoop.conf.Configuration hadoop, Warehouse wh) throws IOException {
        Path trials = new Path(wh.table(TrialsTable.NAME));
        FileSystem fs = trials.getFileSystem(hadoop);
        TreeSet<String> out = new TreeSet<>();
        if (fs.exists(trials))
            for (FileStatus f : fs.listStatus(trials))
                if (f.isDirectory() && f.getPath().getName().startsWith("study=")) out.add(f.getPath().getName().substring(6));
        return new ArrayList<>(out);
    }
}
