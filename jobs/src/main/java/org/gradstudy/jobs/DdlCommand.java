package org.gradstudy.jobs;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code gradstudy ddl}: the DDL of every table, the text of conf/sql/tables.sql. */
@Command(name = "ddl", mixinStandardHelpOptions = true,
        description = "Print CREATE TABLE statements (with column comments) for every table, for spark-sql or a Hive metastore: "
                + "the text of conf/sql/tables.sql.")
final class DdlCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(Tables.ddl());
        return 0;
    }
}
