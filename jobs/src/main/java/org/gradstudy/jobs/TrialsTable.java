package org.gradstudy.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.gradstudy.result.TrialResult;
import org.gradstudy.study.TrialConfig;

import java.util.ArrayList;
import java.util.List;

/** The {@code trials} table: one row per trial, partitioned by study. The schema is defined here only. */
public final class TrialsTable {
    public static final String NAME = "trials";
    public static final String STUDY = "study", TRIAL_ID = "trial_id", REPLICATE = "replicate", SEED = "seed",
            STUDY_SEED = "study_seed", STEPS = "steps", BATCH_SIZE = "batch_size", DATASET = "dataset",
            SAMPLES = "samples", CLASSES = "classes", PRECISION = "precision", PROBE_EVERY = "probe_every",
            STATUS = "status", ERROR = "error", FIRST_NONFINITE_STEP = "first_nonfinite_step",
            FIRST_NONFINITE_LAYER = "first_nonfinite_layer", CLIP_RATE = "clip_rate", STEPS_RUN = "steps_run",
            TRAIN_LOSS = "train_loss", TRAIN_ACCURACY = "train_accuracy", TEST_LOSS = "test_loss",
            TEST_ACCURACY = "test_accuracy", PARAMETER_COUNT = "parameter_count", WALL_MS = "wall_ms",
            EXECUTOR = "executor", VERSIONS = "versions", CONFIG = "config";

    public static final StructType SCHEMA;

    static {
        List<StructField> f = new ArrayList<>(Columns.trialFields());
        f.add(Columns.field(SEED, DataTypes.LongType, false,
                "random seed of the trial (data, initial weights, batch order), derived from study_seed and replicate"));
        f.add(Columns.field(STUDY_SEED, DataTypes.LongType, false, "the seed key of the study file"));
        f.add(Columns.field(STEPS, DataTypes.IntegerType, false, "training steps planned (one minibatch each)"));
        f.add(Columns.field(BATCH_SIZE, DataTypes.IntegerType, false, "examples per minibatch"));
        f.add(Columns.field(DATASET, DataTypes.StringType, false, "data set: spirals, teacher, blobs, parity or file"));
        f.add(Columns.field(SAMPLES, DataTypes.IntegerType, false, "examples in the data set, training and test split together"));
        f.add(Columns.field(CLASSES, DataTypes.IntegerType, false, "number of classes; chance accuracy is 1 / classes"));
        f.add(Columns.field(PRECISION, DataTypes.StringType, false, "training precision: float or double (statistics are always double)"));
        f.add(Columns.field(PROBE_EVERY, DataTypes.IntegerType, false,
                "the probe records every probe_every steps, besides step 0, the last and the first non-finite step"));
        f.add(Columns.field(STATUS, DataTypes.StringType, false,
                "ok | diverged (a NaN/Inf loss or gradient stopped training) | failed (an exception) | timeout"));
        f.add(Columns.field(ERROR, DataTypes.StringType, true, "exception of a failed trial or the timeout note; null for ok and diverged"));
        f.add(Columns.field(FIRST_NONFINITE_STEP, DataTypes.IntegerType, true,
                "first 0-based step whose loss or gradient had a NaN/Inf (training stops there); null if none"));
        f.add(Columns.field(FIRST_NONFINITE_LAYER, DataTypes.IntegerType, true,
                "at first_nonfinite_step, the layer nearest the output with a NaN/Inf gradient; null if only the loss was non-finite or none"));
        f.add(Columns.field(CLIP_RATE, DataTypes.DoubleType, false, "fraction (0 to 1) of steps at which clipping changed the gradient; 0 without clipping"));
        f.add(Columns.field(STEPS_RUN, DataTypes.IntegerType, false, "steps actually trained; fewer than steps when diverged, failed or timed out"));
        f.add(Columns.field(TRAIN_LOSS, DataTypes.DoubleType, true, "mean cross-entropy loss on the training split after training; null when not finite"));
        f.add(Columns.field(TRAIN_ACCURACY, DataTypes.DoubleType, true, "accuracy (0 to 1) on the training split after training; null when not finite"));
        f.add(Columns.field(TEST_LOSS, DataTypes.DoubleType, true, "mean cross-entropy loss on the held-out test split; null when not finite"));
        f.add(Columns.field(TEST_ACCURACY, DataTypes.DoubleType, true, "accuracy (0 to 1) on the held-out test split; null when not finite"));
        f.add(Columns.field(PARAMETER_COUNT, DataTypes.LongType, false, "trainable parameters of the network"));
        f.add(Columns.field(WALL_MS, DataTypes.LongType, false,
                "wall-clock milliseconds (rounded) of the trial in its task: data, network, training, probe and evaluation"));
        f.add(Columns.field(EXECUTOR, DataTypes.StringType, false, "where it ran: Spark executor id@host:pid"));
        f.add(Columns.field(VERSIONS, DataTypes.StringType, false, "gradstudy, DL4J, Java and Spark versions that computed it"));
        f.add(Columns.field(CONFIG, DataTypes.StringType, false, "the canonical config text whose hash is trial_id"));
        SCHEMA = DataTypes.createStructType(f);
    }

    private TrialsTable() {}

    /** The row of one trial result, in {@link #SCHEMA} order. */
    public static Row toRow(TrialResult r) {
        TrialConfig c = r.config();
        List<Object> v = new ArrayList<>(Columns.trialValues(c));
        v.add(c.seed());
        v.add(c.studySeed());
        v.add(c.training().steps());
        v.add(c.training().batchSize());
        v.add(c.training().dataset().key());
        v.add(c.training().samples());
        v.add(c.training().classes());
        v.add(c.training().precision().key());
        v.add(c.probe().every());
        v.add(r.status().key());
        v.add(r.error());
        v.add(r.firstNonfiniteStep());
        v.add(r.firstNonfiniteLayer());
        v.add(r.clipRate());
        v.add(r.stepsRun());
        v.add(r.trainLoss());
        v.add(r.trainAccuracy());
        v.add(r.testLoss());
        v.add(r.testAccuracy());
        v.add(r.parameterCount());
        v.add(r.wallMillis());
        v.add(r.executor());
        v.add(r.versions());
        v.add(c.canonical());
        return RowFactory.create(v.toArray());
    }
}
