package org.gradstudy.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.gradstudy.result.TrialResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch's {@code layer_stats} rows as Parquet straight from the trials' column arrays, one file
 * per partition, with the file layout Spark's writer gives the table ({@link Commits#writeLayerStats}):
 * the same Parquet schema, footer metadata (Spark's version and row schema, so Spark and other readers see
 * the same columns and comments), codec and per-column dictionary settings, rows in the trials' order.
 * Spark's writer took each row through a copy into its own row format and a boxed call per field;
 * this writer hands each value to Parquet directly (README, "Where the time went").
 *
 * <p>Exactly once: each task attempt writes a file named by its partition and attempt; the job's result
 * names the files of the attempts that succeeded, one per partition, and only those are committed. A
 * failed or retried attempt's file stays in staging, which the commit deletes.
 */
final class LayerStatsWriter {
    private LayerStatsWriter() {}

    /** The table's columns as written (the study is the directory, not a column). */
    static final StructType COLUMNS = new StructType(Arrays.stream(LayerStatsTable.SCHEMA.fields())
            .filter(f -> !f.name().equals(TrialsTable.STUDY)).toArray(StructField[]::new));

    /** Their Parquet schema, as Spark's writer converts them: required unless nullable, strings as UTF-8 binary. */
    static final MessageType PARQUET = parquetSchema(COLUMNS);

    static MessageType parquetSchema(StructType columns) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (StructField f : columns.fields()) {
            Type.Repetition rep = f.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
            DataType t = f.dataType();
            if (t == DataTypes.StringType)
                b.addField(Types.primitive(PrimitiveType.PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(f.name()));
            else b.addField(Types.primitive(primitive(t, f.name()), rep).named(f.name()));
        }
        return b.named("spark_schema");
    }

    private static PrimitiveType.PrimitiveTypeName primitive(DataType t, String column) {
        if (t == DataTypes.IntegerType) return PrimitiveType.PrimitiveTypeName.INT32;
        if (t == DataTypes.LongType) return PrimitiveType.PrimitiveTypeName.INT64;
        if (t == DataTypes.DoubleType) return PrimitiveType.PrimitiveTypeName.DOUBLE;
        if (t == DataTypes.BooleanType) return PrimitiveType.PrimitiveTypeName.BOOLEAN;
        throw new IllegalStateException("layer_stats column " + column + " has type " + t.simpleString() + ", which LayerStatsWriter does not write");
    }

    /**
     * Writes the layer statistics of {@code results} into {@code dir} as {@code files} Parquet files (fewer when
     * a partition has no rows) and returns the files to commit.
     */
    static List<Path> write(JavaRDD<TrialResult> results, int files, String dir) {
        Broadcast<SerializableConfiguration> conf = JavaSparkContext.fromSparkContext(results.context()).broadcast(
                new SerializableConfiguration(results.context().hadoopConfiguration()));
        List<String> written;
        try {
            written = results.coalesce(files).mapPartitionsWithIndex((index, trials) -> {
                String name = writeFile(trials, new Path(dir, String.format("part-%05d-%d.parquet", index, TaskContext.get().taskAttemptId())),
                        conf.value().value());
                return name == null ? List.<String>of().iterator() : List.of(name).iterator();
            }, false).collect();
        } finally {
            conf.unpersist(false);
        }
        List<Path> out = new ArrayList<>();
        for (String w : written) out.add(new Path(w));
        return out;
    }

    /** Writes the trials' rows into {@code file}; returns its path, or null (and no file) when they have none. */
    static String writeFile(Iterator<TrialResult> trials, Path file, Configuration conf) throws IOException {
        ParquetWriter<InternalRow> w = null;
        try {
            while (trials.hasNext()) {
                Iterator<InternalRow> rows = LayerStatsTable.toInternalRows(trials.next());
                while (rows.hasNext()) {
                    if (w == null) w = open(HadoopOutputFile.fromPath(file, conf), conf);
                    w.write(rows.next());
                }
            }
        } finally {
            if (w != null) w.close();
        }
        return w == null ? null : file.toString();
    }

    private static ParquetWriter<InternalRow> open(OutputFile file, Configuration conf) throws IOException {
        Builder b = new Builder(file).withConf(conf).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.fromConf(Commits.CODEC))
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                // Parquet's sizes as Spark's writer takes them: the Hadoop configuration's, else Parquet's defaults.
                .withRowGroupSize(ParquetOutputFormat.getLongBlockSize(conf))
                .withPageSize(ParquetOutputFormat.getPageSize(conf))
                .withDictionaryPageSize(ParquetOutputFormat.getDictionaryPageSize(conf))
                .withDictionaryEncoding(true);
        for (String c : LayerStatsTable.DISTINCT_DOUBLES) b = b.withDictionaryEncoding(c, false);
        return b.build();
    }

    private static final class Builder extends ParquetWriter.Builder<InternalRow, Builder> {
        Builder(OutputFile file) { super(file); }

        @Override protected Builder self() { return this; }

        @Override protected WriteSupport<InternalRow> getWriteSupport(Configuration conf) { return new RowWriteSupport(); }
    }

    /** One layer_stats row ({@link LayerStatRow}, the study column skipped) per Parquet record. */
    private static final class RowWriteSupport extends WriteSupport<InternalRow> {
        private static final int SKIP = LayerStatsTable.SCHEMA.fieldIndex(TrialsTable.STUDY);
        private static final DataType[] TYPES = Arrays.stream(LayerStatsTable.SCHEMA.fields()).map(StructField::dataType).toArray(DataType[]::new);
        private static final String[] NAMES = LayerStatsTable.SCHEMA.fieldNames();
        private RecordConsumer out;

        @Override public WriteContext init(Configuration configuration) {
            return new WriteContext(PARQUET, Map.of(
                    "org.apache.spark.version", org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                    "org.apache.spark.sql.parquet.row.metadata", COLUMNS.json()));
        }

        @Override public void prepareForWrite(RecordConsumer recordConsumer) { out = recordConsumer; }

        @Override public void write(InternalRow row) {
            out.startMessage();
            int field = 0;
            for (int i = 0; i < TYPES.length; i++) {
                if (i == SKIP) continue;
                int f = field++;
                if (row.isNullAt(i)) continue;
                out.startField(NAMES[i], f);
                DataType t = TYPES[i];
                if (t == DataTypes.DoubleType) out.addDouble(row.getDouble(i));
                else if (t == DataTypes.IntegerType) out.addInteger(row.getInt(i));
                else if (t == DataTypes.LongType) out.addLong(row.getLong(i));
                else if (t == DataTypes.BooleanType) out.addBoolean(row.getBoolean(i));
                else out.addBinary(Binary.fromConstantByteArray(row.getUTF8String(i).getBytes()));
                out.endField(NAMES[i], f);
            }
            out.endMessage();
        }
    }
}
