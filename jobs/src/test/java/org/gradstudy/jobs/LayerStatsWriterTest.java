package org.gradstudy.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gradstudy.result.LayerStat;
import org.gradstudy.result.LayerStats;
import org.gradstudy.result.TrialResult;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run's own layer_stats writer gives the files Spark's writer gives the same rows: schema, footer, encodings and values. */
class LayerStatsWriterTest {
    static SparkSession spark;
    @TempDir static java.nio.file.Path dir;

    /** local[2,2]: a failed task is tried once more, as on a cluster (plain local mode never retries). */
    @BeforeAll static void start() {
        spark = Sessions.create("LayerStatsWriterTest", "local[2,2]", false);
        spark.sparkContext().setLogLevel("ERROR"); // the failing attempt below is expected
    }

    @AfterAll static void stop() { spark.stop(); }

    /** Three trials' results (one without statistics) in four partitions (one empty). */
    static JavaRDD<TrialResult> results() {
        TrialConfig t = LayerStatRowTest.trial();
        List<LayerStat> stats = LayerStatRowTest.records();
        List<TrialResult> r = List.of(LayerStatRowTest.result(t, stats), LayerStatRowTest.result(t, LayerStats.of()),
                LayerStatRowTest.result(t, stats.subList(0, 5)));
        return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(r, 4);
    }

    static ParquetMetadata footer(Path file) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, new Configuration()))) {
            return r.getFooter();
        }
    }

    /** Per column: codec and encodings (as a sorted set: Parquet lists them in the order it met them). */
    static Map<String, String> columns(ParquetMetadata m) {
        Map<String, String> out = new TreeMap<>();
        for (ColumnChunkMetaData c : m.getBlocks().get(0).getColumns())
            out.put(c.getPath().toDotString(), c.getCodec() + " " + new TreeSet<>(c.getEncodings().stream().map(Enum::name).toList()));
        return out;
    }

    @Test
    void writesWhatSparksWriterWrites() throws IOException {
        JavaRDD<TrialResult> results = results();
        String mine = dir.resolve("mine").toString(), sparkDir = dir.resolve("spark").toString();
        List<Path> files = LayerStatsWriter.write(results, 1, mine); // one file each: the dictionaries Parquet keeps depend on the rows a file holds
        Dataset<Row> rows = spark.internalCreateDataFrame(results.flatMap(LayerStatsTable::toInternalRows).rdd(), LayerStatsTable.SCHEMA, false);
        Commits.writeLayerStats(rows.drop(TrialsTable.STUDY).coalesce(1), sparkDir);

        Path sparkFile;
        try (var s = Files.list(java.nio.file.Path.of(sparkDir))) {
            sparkFile = new Path(s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow().toString());
        }
        ParquetMetadata theirs = footer(sparkFile);
        assertEquals(1, files.size());
        ParquetMetadata ours = footer(files.get(0));
        assertEquals(theirs.getFileMetaData().getSchema(), ours.getFileMetaData().getSchema());
        assertEquals(theirs.getFileMetaData().getKeyValueMetaData(), ours.getFileMetaData().getKeyValueMetaData());
        assertEquals(columns(theirs), columns(ours));

        // The same rows, value for value (NaN, infinities, -0.0 and nulls included), in the same order.
        List<Row> a = spark.read().schema(LayerStatsWriter.COLUMNS).parquet(files.stream().map(Path::toString).toArray(String[]::new)).collectAsList();
        List<Row> b = spark.read().schema(LayerStatsWriter.COLUMNS).parquet(sparkDir).collectAsList();
        assertEquals(LayerStatRowTest.records().size() + 5, a.size());
        assertEquals(b, a);
    }

    /** {@code rows}, each partition of two or more failing on its first attempt after handing over its first trial. */
    static JavaRDD<TrialResult> firstAttemptFails(JavaRDD<TrialResult> rows) {
        return rows.mapPartitions(it -> {
            List<TrialResult> all = new ArrayList<>();
            it.forEachRemaining(all::add);
            if (org.apache.spark.TaskContext.get().attemptNumber() > 0 || all.size() < 2) return all.iterator();
            // The writer has written the first trial's rows when the second is asked for.
            return new java.util.Iterator<TrialResult>() {
                int i;
                @Override public boolean hasNext() {
                    if (i == 1) throw new IllegalStateException("first attempt fails on purpose");
                    return i < all.size();
                }
                @Override public TrialResult next() { return all.get(i++); }
            };
        });
    }

    /**
     * A task whose first attempt fails after writing part of its rows leaves that attempt's file in the
     * directory, and the file is not named: the rows of the partition come once, from the second attempt.
     */
    @Test
    void aFailedAttemptsFileIsNotNamed() throws IOException {
        String out = dir.resolve("retried").toString();
        JavaRDD<TrialResult> flaky = firstAttemptFails(results().coalesce(1)); // one task holding all three trials
        List<Path> files = LayerStatsWriter.write(flaky, 1, out);
        assertEquals(1, files.size());
        List<String> onDisk = new ArrayList<>();
        try (var s = Files.list(java.nio.file.Path.of(out))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).forEach(onDisk::add);
        }
        assertEquals(2, onDisk.size(), "the failed attempt's file is still there: " + onDisk);
        assertTrue(onDisk.contains(files.get(0).getName()));
        long rows = spark.read().schema(LayerStatsWriter.COLUMNS).parquet(files.get(0).toString()).count();
        assertEquals(LayerStatRowTest.records().size() + 5, rows, "every row once, from the attempt that succeeded");
    }

    /** Only the files of the attempts that succeeded are named, one per partition with rows: none for an empty one. */
    @Test
    void namesOneFilePerPartitionWithRows() throws IOException {
        String out = dir.resolve("parts").toString();
        List<Path> files = LayerStatsWriter.write(results(), 4, out);
        assertEquals(2, files.size(), "partitions 1 and 3 hold the trials with statistics: " + files);
        List<String> onDisk = new ArrayList<>();
        try (var s = Files.list(java.nio.file.Path.of(out))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).forEach(onDisk::add);
        }
        assertEquals(new TreeSet<>(onDisk), new TreeSet<>(files.stream().map(Path::getName).toList()));
        for (Path f : files) assertTrue(f.getName().matches("part-0000[13]-\\d+\\.parquet"), f.getName());
    }
}
