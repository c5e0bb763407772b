package org.gradstudy.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gradstudy sql}: Spark SQL over a warehouse's tables (see {@link SqlJob}). */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run Spark SQL over a warehouse: every table directory is a view of its name (trials, layer_stats, runs, "
                + "depth_summary, ...; the study partition is a column). Give the SQL, a --file of ;-separated statements, "
                + "or a named --query from conf/sql/queries.",
                "Bad SQL prints Spark's message with its position and the views, exit 2."})
final class SqlCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SQL", description = "the statement(s) to run, e.g. \"SELECT status, count(*) FROM trials GROUP BY 1\"")
    String sql;

    @Option(names = "--warehouse", paramLabel = "DIR", defaultValue = "warehouse",
            description = "directory or Hadoop URI of the tables (default: ${DEFAULT-VALUE})")
    String warehouse;

    @Option(names = "--file", paramLabel = "FILE", description = "run the ;-separated statements of FILE, printing each result")
    Path file;

    @Option(names = "--query", paramLabel = "NAME", description = "run the named query NAME (conf/sql/queries/NAME.sql; see --list)")
    String named;

    @Option(names = "--list", description = "list the named queries and what they answer")
    boolean list;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (printed), csv (one file) or parquet (a directory); csv and parquet write the last statement's result to --out (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--out", paramLabel = "PATH", description = "where csv or parquet goes, written atomically; must not exist unless --overwrite")
    String out;

    @Option(names = "--overwrite", description = "replace an existing --out")
    boolean overwrite;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + SqlJob.DEFAULT_LIMIT,
            description = "rows printed per result, 0 = all (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--truncate", paramLabel = "N", defaultValue = "80",
            description = "characters printed per cell, 0 = all (default: ${DEFAULT-VALUE})")
    int truncate;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master; default: spark-submit's, else embedded local[*]")
    String master;

    @Override
    public Integer call() {
        if (list) {
            Path dir = SqlJob.queriesDir();
            for (SqlJob.Named n : SqlJob.list(dir)) System.out.printf("%-28s %s%n", n.name(), n.description());
            System.out.println("(" + dir + "; run one with: gradstudy sql --query NAME)");
            return 0;
        }
        int given = (sql != null ? 1 : 0) + (file != null ? 1 : 0) + (named != null ? 1 : 0);
        if (given != 1)
            throw new BadInputException("give exactly one of: the SQL, --file FILE or --query NAME (named queries: gradstudy sql --list)");
        // Everything that can be checked is checked before Spark starts: nothing runs on bad input.
        SqlJob.Script script = sql != null ? SqlJob.inline(sql) : file != null ? SqlJob.file(file) : SqlJob.named(SqlJob.queriesDir(), named);
        Warehouse wh = new Warehouse(warehouse);
        SqlJob.Options options = new SqlJob.Options(wh, script, SqlJob.Format.parse(format), out, overwrite, limit, truncate);
        Configuration hadoop = new Configuration();
        SqlJob.tables(wh, hadoop);
        SqlJob.checkOut(out, overwrite, hadoop);
        try (SparkSession spark = Sessions.create("gradstudy sql", master, false)) {
            SqlJob.run(spark, options, System.out);
            return 0;
        }
    }
}
