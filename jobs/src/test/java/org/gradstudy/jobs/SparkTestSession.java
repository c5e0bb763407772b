package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;

/** One local[2] session per test class: UI off, bound to 127.0.0.1 (Sessions does both in local mode). */
final class SparkTestSession {
    private SparkTestSession() {}

    static SparkSession create(String name) {
        SparkSession spark = Sessions.create(name, "local[2]", false);
        spark.sparkContext().setLogLevel("WARN");
        // Test tables hold a few hundred rows: 200 shuffle partitions would only add scheduling on 2 cores.
        spark.conf().set("spark.sql.shuffle.partitions", "4");
        return spark;
    }
}
