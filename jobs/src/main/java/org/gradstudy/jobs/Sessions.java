package org.gradstudy.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession of a job: spark-submit's settings when present, embedded local mode otherwise. */
public final class Sessions {
    private Sessions() {}

    /**
     * Spark keeps the classes it generates for query stages in a cache of 100 by default; a run's
     * aggregation (seven tables, a few dozen stages, each several generated classes) and its commits need
     * more, so every aggregation compiled most of its code again with Janino: 12% of a warm aggregation's
     * CPU time. With room for all of them a warm aggregation of a 500-trial study took 3.6 s instead of
     * 5.0 (6.3 s of CPU instead of 9.1).
     */
    static final String CODEGEN_CACHE = "spark.sql.codegen.cache.maxEntries";
    static final int CODEGEN_CACHE_ENTRIES = 2000;

    /**
     * Spark names each whole-stage generated class after its stage's number in the query, and the cache
     * compares the source, name included. Under adaptive execution the numbers follow the order in which
     * the query's stages finish, which varies from run to run when two run at once: the same pipeline came
     * back as GeneratedIteratorForCodegenStage8 one time and 7 the next, and 5-27 classes of the bench's
     * local[2] run were compiled again (Janino, then the JIT) although their code was the same. Without
     * the number in the name (it stays in a comment of the source, which the cache ignores) 3 were left in the
     * bench's runs (README, "Where the time went"). Stack traces then name GeneratedIterator without it.
     */
    static final String CODEGEN_ID_IN_CLASS_NAME = "spark.sql.codegen.useIdInClassName";

    /**
     * Spark sizes the memory pages of its hash aggregates and sorts from the heap: 64 MB each with a 4 GB
     * heap. Every hash-aggregate task of a run's aggregation took one or two such pages (on-heap
     * {@code long[]}), and the young collections that met them live copied them: pauses of 200-760 ms and
     * up to nine full collections in the aggregation at the end of a 500-trial run. gradstudy's aggregates have
     * thousands of groups, not millions; pages of 2 MB hold them, and a task takes more pages as it needs.
     */
    static final String PAGE_SIZE = "spark.buffer.pageSize";
    static final String PAGE_SIZE_VALUE = "2m";

    /**
     * A session named {@code appName}. {@code master} overrides spark.master; without either, the job
     * runs embedded in {@code local[*]}. Local mode binds everything to 127.0.0.1 and keeps the UI off
     * unless {@code ui} is set.
     */
    public static SparkSession create(String appName, String master, boolean ui) {
        return create(appName, master, ui, java.util.Map.of());
    }

    /** {@link #create(String, String, boolean)} with {@code settings} on top (the bench's executor JVM). */
    static SparkSession create(String appName, String master, boolean ui, java.util.Map<String, String> settings) {
        SparkConf conf = new SparkConf(); // picks up spark.* system properties, as spark-submit sets them
        settings.forEach(conf::set);
        if (master != null) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.set("spark.ui.enabled", Boolean.toString(ui));
            // 200 shuffle partitions (Spark's default, sized for clusters) cost every small query of a
            // run's aggregation 200 shuffle files per map task here; a few per core is plenty in one JVM.
            conf.setIfMissing("spark.sql.shuffle.partitions", Integer.toString(4 * Runtime.getRuntime().availableProcessors()));
        }
        // Study names like "2024" must stay strings when tables are read back by partition.
        conf.setIfMissing("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
        // Rewriting one study's partition leaves the other studies of the warehouse alone.
        conf.setIfMissing("spark.sql.sources.partitionOverwriteMode", "dynamic");
        conf.setIfMissing("spark.sql.session.timeZone", "UTC");
        // run commits a finished batch while the next one trains: the fair scheduler serves the commit's
        // pool first, so the batch lands at once instead of waiting behind the next batch's trials.
        conf.setIfMissing("spark.scheduler.mode", "FAIR");
        conf.setIfMissing(CODEGEN_CACHE, Integer.toString(CODEGEN_CACHE_ENTRIES));
        conf.setIfMissing(CODEGEN_ID_IN_CLASS_NAME, "false");
        conf.setIfMissing(PAGE_SIZE, PAGE_SIZE_VALUE);
        return SparkSession.builder().appName(appName).config(conf).getOrCreate();
    }
}
