package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;

/** One local[2] session per test class: UI off, bound to 127.0.0.1 (Sessions does both in local mode). */
final class SparkTestSession {
    private SparkTestSession() {}

    static SparkSession create(String name) {
        SparkSession spark = Sessions.create(name, "local[2]", false);
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
