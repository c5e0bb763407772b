package org.gradstudy.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.gradstudy.data.UserData;
import org.gradstudy.study.Axis;
import org.gradstudy.study.BoundarySearch;
import org.gradstudy.study.Keyed;
import org.gradstudy.study.Study;
import org.gradstudy.study.TrialConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code run} of a study with {@code search = boundary}: rounds of trials, each one Spark job over every
 * open bracket at once; every trial lands in the normal tables (so a rerun after a crash finds them and
 * replays the same rounds without training again), and the {@code boundaries} table records each
 * combination's estimate, bracket and trial count.
 */
public final class SearchJob {
    private static final Logger LOG = LoggerFactory.getLogger(SearchJob.class);

    /** The {@code boundaries} table: one row per study and combination of the other axes. */
    public static final String NAME = "boundaries";
    public static final String SEARCH_AXIS = "search_axis", ESTIMATE = "estimate", BRACKET_LOW = "bracket_low",
            BRACKET_HIGH = "bracket_high", ATTEN_LOW = "log10_atten_low", ATTEN_HIGH = "log10_atten_high",
            ROUNDS = "rounds", TRIALS = "trials", STATUS = "status";
    public static final StructType SCHEMA;

    static {
        List<StructField> f = new ArrayList<>();
        f.add(Columns.field(TrialsTable.STUDY, DataTypes.StringType, false, Columns.STUDY_COMMENT));
        for (StructField a : Columns.axisFields())
            f.add(Columns.field(a.name(), a.dataType(), true, Columns.comment(a) + "; null in the column of the searched axis"));
        f.add(Columns.field(SEARCH_AXIS, DataTypes.StringType, false, "the range axis searched, as spelled in study files (e.g. init-gain)"));
        f.add(Columns.field(ESTIMATE, DataTypes.DoubleType, true,
                "value of the searched axis where the step-0 log10 attenuation crosses 0, interpolated in the final "
                        + "bracket (in log space for log ranges); null when no-crossing or failed"));
        f.add(Columns.field(BRACKET_LOW, DataTypes.DoubleType, false, "low end of the final bracket, in the units of the searched axis"));
        f.add(Columns.field(BRACKET_HIGH, DataTypes.DoubleType, false, "high end of the final bracket"));
        f.add(Columns.field(ATTEN_LOW, DataTypes.DoubleType, true,
                "step-0 log10(||g_b,1|| / ||g_b,depth||) at bracket_low, mean over replicates; null if never measured"));
        f.add(Columns.field(ATTEN_HIGH, DataTypes.DoubleType, true, "the same at bracket_high"));
        f.add(Columns.field(ROUNDS, DataTypes.IntegerType, false, "search rounds this combination took part in"));
        f.add(Columns.field(TRIALS, DataTypes.IntegerType, false, "trials of this combination over all rounds"));
        f.add(Columns.field(STATUS, DataTypes.StringType, false, "found | no-crossing | max-rounds | failed (a measurement was missing or not finite) | open"));
        SCHEMA = DataTypes.createStructType(f);
    }

    private SearchJob() {}

    /** Runs the boundary search of {@code study}; returns the run's outcome. */
    public static RunJob.Outcome run(SparkSession spark, Study study, Warehouse warehouse, RunJob.Options opts) {
        long started = System.currentTimeMillis();
        String runId = RunJob.newRunId(started);
        warehouse.checkWritable(spark.sparkContext().hadoopConfiguration());
        UserDataLoader.Loaded loaded = UserDataLoader.bind(spark, study);
        study = loaded.study();
        UserData data = loaded.data();
        BoundarySearch search = new BoundarySearch(study);
        Commits commits = new Commits(spark, warehouse, study.name());
        commits.recover();
        if (opts.retryFailed()) commits.dropRetryable();
        LOG.info("study {}: boundary search on {} over {}: {} combinations", study.name(), study.search().axis().key(),
                search.range(), search.brackets().size());
        long alreadyDone = 0, planned = 0;
        RunJob.Batches batches = new RunJob.Batches(spark, study, commits, data, opts, runId, started,
                (long) search.brackets().size() * study.replicates() * (study.search().maxRounds() + 1), 0, 0);
        try {
            for (int round = 1; !search.done(); round++) {
                List<TrialConfig> trials = search.nextRound();
                if (trials.isEmpty()) break;
                planned += trials.size();
                Set<String> done = done(commits, trials);
                List<TrialConfig> pending = trials.stream().filter(t -> !done.contains(t.trialId())).toList();
                alreadyDone += trials.size() - pending.size();
                LOG.info("study {}: round {}: {} trials ({} already in the tables)", study.name(), round, trials.size(),
                        trials.size() - pending.size());
                if (!batches.run(pending, Math.max(1, pending.size()))) break;
                search.record(attenuations(spark, commits, trials));
            }
        } finally {
            batches.close();
        }
        RunJob.Exit exit = batches.exit != null ? batches.exit : RunJob.Exit.COMPLETE;
        RunJob.Outcome outcome = new RunJob.Outcome(planned, alreadyDone, batches.ran, batches.ok, batches.diverged,
                batches.failed, batches.timeout, 0, exit, batches.reason);
        commits.replaceDerived(NAME, spark.createDataFrame(rows(study, search), SCHEMA));
        RunJob.finish(spark, warehouse, commits, study, runId, started, outcome);
        return outcome;
    }

    private static Set<String> done(Commits commits, List<TrialConfig> trials) {
        Set<String> ids = new HashSet<>();
        trials.forEach(t -> ids.add(t.trialId()));
        Set<String> done = new HashSet<>();
        for (Row r : commits.read(TrialsTable.NAME, TrialsTable.SCHEMA).select(TrialsTable.TRIAL_ID).collectAsList())
            if (ids.contains(r.getString(0))) done.add(r.getString(0));
        return done;
    }

    /** Step-0 log10(||g_b,1|| / ||g_b,depth||) of each trial, from layer_stats. */
    static Map<String, Double> attenuations(SparkSession spark, Commits commits, List<TrialConfig> trials) {
        Map<String, Integer> depth = new HashMap<>();
        trials.forEach(t -> depth.put(t.trialId(), t.depth()));
        Map<String, double[]> ends = new HashMap<>();
        List<Row> rows = commits.read(LayerStatsTable.NAME, LayerStatsTable.SCHEMA)
                .where("step = 0 AND param = 'b' AND layer_kind = 'hidden'")
                .where(org.apache.spark.sql.functions.col(LayerStatsTable.TRIAL_ID).isin(depth.keySet().toArray()))
                .select(LayerStatsTable.TRIAL_ID, LayerStatsTable.LAYER, LayerStatsTable.GRAD_L2).collectAsList();
        for (Row r : rows) {
            String id = r.getString(0);
            int layer = r.getInt(1);
            double[] e = ends.computeIfAbsent(id, k -> new double[] {Double.NaN, Double.NaN});
            if (layer == 1) e[0] = r.getDouble(2);
            if (layer == depth.get(id)) e[1] = r.getDouble(2);
        }
        Map<String, Double> out = new HashMap<>();
        ends.forEach((id, e) -> out.put(id, e[0] > 0 && e[1] > 0 ? Math.log10(e[0] / e[1]) : Double.NaN));
        return out;
    }

    static List<Row> rows(Study study, BoundarySearch search) {
        List<Row> out = new ArrayList<>();
        for (BoundarySearch.Bracket b : search.brackets()) {
            List<Object> v = new ArrayList<>();
            v.add(study.name());
            for (Axis a : Axis.ordered()) {
                Object x = a == study.search().axis() ? null : b.point.get(a);
                v.add(x instanceof Keyed k ? k.key() : x);
            }
            v.add(study.search().axis().key());
            v.add(b.estimate(search.range()));
            v.add(b.low);
            v.add(b.high);
            v.add(b.fLow);
            v.add(b.fHigh);
            v.add(b.rounds);
            v.add(b.trials);
            v.add(b.status.key());
            out.add(RowFactory.create(v.toArray()));
        }
        return out;
    }
}
