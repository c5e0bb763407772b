package org.gradstudy.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.gradstudy.data.UserData;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads a user's data set ({@code training.dataset = file}) on the driver, once, from Parquet or CSV
 * (with a header) through Spark, so any Hadoop path works. Every column but the label must be numeric;
 * the label holds integer classes 0..k-1; no value may be null.
 */
public final class UserDataLoader {
    /** More rows than this are refused: trials hold the whole set in memory. */
    static final int MAX_ROWS = 2_000_000;

    private UserDataLoader() {}

    /** A study bound to its loaded data: the study's settings carry the file's shape and fingerprint. */
    public record Loaded(org.gradstudy.study.Study study, UserData data) {}

    /** Loads {@code study}'s data file, if it has one, and binds it to the study (trial ids include it). */
    public static Loaded bind(SparkSession spark, org.gradstudy.study.Study study) {
        UserData data = load(spark, study.training());
        if (data == null) return new Loaded(study, null);
        return new Loaded(study.withTraining(study.training().withFileData(data.rows(), data.classes(), data.features(),
                data.fingerprint())), data);
    }

    /** The data of {@code training}, or null when it does not use a file. */
    public static UserData load(SparkSession spark, Training training) {
        if (training.dataset() != DatasetKind.FILE) return null;
        String path = training.file();
        String where = "training.file " + path;
        Dataset<Row> df;
        try {
            df = path.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")
                    ? spark.read().option("header", "true").option("inferSchema", "true").csv(path)
                    : spark.read().parquet(path);
        } catch (Exception e) {
            throw new BadInputException(where + ": cannot be read as " + (path.endsWith(".csv") ? "CSV" : "Parquet")
                    + ": " + firstLine(e.getMessage()));
        }
        String label = training.labelColumn();
        List<String> columns = Arrays.asList(df.columns());
        if (!columns.contains(label))
            throw new BadInputException(where + ": training.label-column '" + label + "' is not a column; columns: " + columns);
        List<String> features = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            if (f.name().equals(label)) {
                if (!isIntegral(f.dataType()))
                    throw new BadInputException(where + ": label column '" + label + "' has type " + f.dataType().simpleString()
                            + "; it must hold integer classes 0..k-1");
                continue;
            }
            if (!(f.dataType() instanceof NumericType))
                throw new BadInputException(where + ": feature column '" + f.name() + "' has type " + f.dataType().simpleString()
                        + "; every column but the label must be numeric (drop or encode it)");
            features.add(f.name());
        }
        if (features.isEmpty()) throw new BadInputException(where + ": no feature columns besides the label '" + label + "'");
        long count = df.count();
        if (count < 4 || count > MAX_ROWS)
            throw new BadInputException(where + ": has " + count + " rows; allowed: 4 to " + MAX_ROWS);
        List<Row> rows = df.select(label, features.toArray(String[]::new)).collectAsList();
        double[][] x = new double[rows.size()][features.size()];
        int[] y = new int[rows.size()];
        int classes = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            for (int j = 0; j <= features.size(); j++)
                if (r.isNullAt(j))
                    throw new BadInputException(where + ": row " + (i + 1) + " has a null in column '"
                            + (j == 0 ? label : features.get(j - 1)) + "'; remove or fill missing values");
            long c = ((Number) r.get(0)).longValue();
            if (c < 0 || c > 10_000)
                throw new BadInputException(where + ": row " + (i + 1) + " has label " + c + "; labels must be classes 0..k-1");
            y[i] = (int) c;
            classes = Math.max(classes, y[i] + 1);
            for (int j = 0; j < features.size(); j++) {
                double v = ((Number) r.get(j + 1)).doubleValue();
                if (!Double.isFinite(v))
                    throw new BadInputException(where + ": row " + (i + 1) + " column '" + features.get(j) + "' is " + v);
                x[i][j] = v;
            }
        }
        if (classes < 2) throw new BadInputException(where + ": the label column has a single class; need at least 2");
        if (training.batchSize() > rows.size() - Math.max(1, Math.round(rows.size() * training.testFraction())))
            throw new BadInputException(where + ": training.batch-size " + training.batchSize()
                    + " is larger than the file's training rows; lower it");
        return new UserData(x, y, classes, features.toArray(String[]::new), path);
    }

    private static boolean isIntegral(DataType t) {
        return t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType) || t.equals(DataTypes.ShortType)
                || t.equals(DataTypes.ByteType);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
