package org.gradstudy.jobs;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Keyed;
import org.gradstudy.study.TrialConfig;

import java.util.ArrayList;
import java.util.List;

/** The typed axis columns shared by every table: one per {@link Axis}, named {@link Axis#column()}. */
final class Columns {
    private Columns() {}

    static DataType type(Axis axis) {
        Axis.Domain d = axis.domain();
        if (d instanceof Axis.IntRange) return DataTypes.IntegerType;
        if (d instanceof Axis.RealRange) return DataTypes.DoubleType;
        return DataTypes.StringType;
    }

    static List<StructField> axisFields() {
        List<StructField> out = new ArrayList<>();
        for (Axis a : Axis.ordered()) out.add(DataTypes.createStructField(a.column(), type(a), a.conditional()));
        return out;
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
        f.add(field(TrialsTable.STUDY, DataTypes.StringType, false));
        f.add(field(TrialsTable.TRIAL_ID, DataTypes.StringType, false));
        f.addAll(axisFields());
        f.add(field(TrialsTable.REPLICATE, DataTypes.IntegerType, false));
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

    static StructField field(String name, DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }
}
