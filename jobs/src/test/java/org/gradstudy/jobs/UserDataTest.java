package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;
import org.gradstudy.data.UserData;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A user's CSV or Parquet data set: loaded once, validated, trained on; bad files named with the fix. */
class UserDataTest {
    static SparkSession spark;
    @TempDir static Path dir;

    @BeforeAll static void start() { spark = SparkTestSession.create("UserDataTest"); }

    @AfterAll static void stop() { spark.stop(); }

    static Path csv(String name, String header, int rows) throws Exception {
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (int i = 0; i < rows; i++) // two features; class = which quadrant half the first feature is in
            sb.append(String.format(Locale.ROOT, "%.3f,%.3f,%d%n", Math.sin(i), Math.cos(3 * i), Math.sin(i) > 0 ? 1 : 0));
        return Files.writeString(dir.resolve(name), sb.toString());
    }

    static Study study(Path data, String extra) throws Exception {
        Path conf = Files.writeString(dir.resolve("study-" + data.getFileName() + ".conf"), "name = user\n"
                + "axes { depth = [2, 3], width = [8] }\ntraining { dataset = file, file = \"" + data.getFileName()
                + "\", steps = 10, batch-size = 16 }\n" + extra);
        return StudyParser.parse(conf);
    }

    @Test
    void csvAndParquetFilesLoadTrainAndShareIds() throws Exception {
        Path file = csv("d.csv", "a,b,label", 200);
        UserData fromCsv = UserDataLoader.load(spark, study(file, "").training());
        assertEquals(200, fromCsv.rows());
        assertEquals(2, fromCsv.features());
        assertEquals(2, fromCsv.classes());
        spark.read().option("header", "true").option("inferSchema", "true").csv(file.toString())
                .write().parquet(dir.resolve("d.parquet").toString());
        UserData fromParquet = UserDataLoader.load(spark, study(dir.resolve("d.parquet"), "").training());
        assertEquals(fromCsv.fingerprint(), fromParquet.fingerprint(), "same values, same fingerprint");

        Warehouse wh = new Warehouse(dir.resolve("wh").toString());
        RunJob.Outcome out = RunJob.run(spark, study(file, ""), wh);
        assertEquals(new RunJob.Outcome(2, 0, 2, 2, 0, 0, 0, 0, RunJob.Exit.COMPLETE, null), out);
        // The file's shape and content fingerprint are part of every trial's config (and so of its id).
        assertEquals(2L, spark.sql("SELECT count(*) FROM parquet.`" + wh.table("trials") + "` WHERE config LIKE "
                + "'%|dataset=file|samples=200|classes=2|input-dim=2|%|data=" + fromCsv.fingerprint() + "%'").first().getLong(0));
    }

    @Test
    void badFilesAreNamedWithTheProblemAndTheFix() throws Exception {
        Path noLabel = csv("nolabel.csv", "a,b,klass", 50);
        BadInputException e = assertThrows(BadInputException.class, () -> UserDataLoader.load(spark, study(noLabel, "").training()));
        assertEquals("training.file " + noLabel + ": training.label-column 'label' is not a column; columns: [a, b, klass]", e.getMessage());

        Path text = Files.writeString(dir.resolve("text.csv"), "a,b,label\n1,x,0\n2,y,1\n3,z,0\n4,w,1\n5,v,0\n");
        e = assertThrows(BadInputException.class, () -> UserDataLoader.load(spark, study(text, "training.batch-size = 2").training()));
        assertEquals("training.file " + text + ": feature column 'b' has type string; every column but the label must be numeric (drop or encode it)",
                e.getMessage());

        Path realLabel = Files.writeString(dir.resolve("real.csv"), "a,label\n1,0.5\n2,1.5\n3,0.5\n4,1.5\n5,0.5\n");
        e = assertThrows(BadInputException.class, () -> UserDataLoader.load(spark, study(realLabel, "training.batch-size = 2").training()));
        assertEquals("training.file " + realLabel + ": label column 'label' has type double; it must hold integer classes 0..k-1", e.getMessage());
    }
}
