package org.gradstudy.jobs;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Keyed;
import org.gradstudy.study.TrialConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The typed axis columns shared by every table: one per {@link Axis}, named {@link Axis#column()}, and
 * the helper every table schema uses to declare a column with its comment (see {@link Tables}).
 */
final class Columns {
    private Columns() {}

    /** The comment of the {@code study} column, the partition column of every table. */
    static final String STUDY_COMMENT = "study name (the name key of the study file); the partition column";

    static DataType type(Axis axis) {
        Axis.Domain d = axis.domain();
        if (d instanceof Axis.IntRange) return DataTypes.IntegerType;
        if (d instanceof Axis.RealRange) return DataTypes.DoubleType;
        return DataTypes.StringType;
    }

    static List<StructField> axisFields() {
        List<StructField> out = new ArrayList<>();
        for (Axis a : Axis.ordered()) out.add(field(a.column(), type(a), a.conditional(), comment(a)));
        return out;
    }

    /** An axis column's comment: the axis's own doc, and when it is null. */
    static String comment(Axis a) {
        return "axis " + a.key() + ": " + a.doc() + (a.conditional() ? "; null where it does not apply" : "");
    }

    /** The trial's axis values in column order, as Spark row values. */
    static List<Object> axisValues(TrialConfig t) {
        List<Object> out = new ArrayList<>();
        for (Axis a : Axis.ordered()) {
            Object v = t.value(a);
            out.add(v instanceof Keyed k ? k.key() : v); // null where the axis does not apply
        }
        return out;
    }

    /** The columns that identify a trial, first in every per-trial table: study, trial_id, the axes, replicate. */
    static List<StructField> trialFields() {
        List<StructField> f = new ArrayList<>();
        f.add(field(TrialsTable.STUDY, DataTypes.StringType, false, STUDY_COMMENT));
        f.add(field(TrialsTable.TRIAL_ID, DataTypes.StringType, false,
                "first 16 hex digits of the SHA-256 of the canonical config of the trial (the config column of trials); "
                        + "stable across runs and machines, independent of the study name"));
        f.addAll(axisFields());
        f.add(field(TrialsTable.REPLICATE, DataTypes.IntegerType, false,
                "0-based seed replicate of the grid point; the trial seed derives from it and the study seed"));
        return f;
    }

    /** The values of {@link #trialFields()} for one trial. */
    static List<Object> trialValues(TrialConfig t) {
        List<Object> v = new ArrayList<>();
        v.add(t.study());
        v.add(t.trialId());
        v.addAll(axisValues(t));
        v.add(t.replicate());
        return v;
    }

    /** Comma-separated axis column names, for SQL. */
    static String axisList(String prefix) {
        return String.join(", ", Axis.ordered().stream().map(a -> prefix + a.column()).toList());
    }

    /**
     * A column with its one-line comment (units, meaning, when it is null), kept in the schema's metadata:
     * it goes into the Parquet files' Spark schema, the DDL of {@code conf/sql/tables.sql} and DESCRIBE.
     */
    static StructField field(String name, DataType type, boolean nullable, String comment) {
        return DataTypes.createStructField(name, type, nullable).withComment(comment);
    }

    /** The comment of {@code f}, or null when it has none. */
    static String comment(StructField f) {
        return f.getComment().isDefined() ? f.getComment().get() : null;
    }
}
