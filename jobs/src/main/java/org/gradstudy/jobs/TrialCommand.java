package org.gradstudy.jobs;

import org.apache.spark.sql.SparkSession;
import org.gradstudy.data.UserData;
import org.gradstudy.engine.TrialExport;
import org.gradstudy.engine.TrialRunner;
import org.gradstudy.result.LayerStat;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.TrialStatus;
import org.gradstudy.result.Versions;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Expander;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyParser;
import org.gradstudy.study.TrialConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gradstudy trial <study.conf> <trial_id>}: replays one trial outside Spark (the same numbers as
 * in the tables: everything derives from the config) and prints its per-layer statistics; with
 * {@code --export DIR} also writes its initial parameters, first minibatch and step-0 gradients as .npy.
 */
@Command(name = "trial", mixinStandardHelpOptions = true,
        description = "Replay one trial of a study outside Spark and print its per-layer statistics.")
final class TrialCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "STUDY", description = "study file (HOCON)")
    Path study;

    @Parameters(index = "1", paramLabel = "TRIAL_ID", description = "trial id (see the trials table or `plan --list`)")
    String trialId;

    @Option(names = "--export", paramLabel = "DIR", description = "write initial parameters, first minibatch and step-0 gradients as .npy")
    Path export;

    @Option(names = "--all-steps", description = "print every recorded step (default: step 0 and the last)")
    boolean allSteps;

    @Override
    public Integer call() {
        Study s = StudyParser.parse(study);
        UserData data = null;
        if (s.training().dataset() == DatasetKind.FILE) {
            try (SparkSession spark = Sessions.create("gradstudy trial", "local[1]", false)) {
                UserDataLoader.Loaded loaded = UserDataLoader.bind(spark, s);
                s = loaded.study();
                data = loaded.data();
            }
        }
        List<TrialConfig> trials = Expander.expand(s).trials();
        TrialConfig trial = trials.stream().filter(t -> t.trialId().equals(trialId)).findFirst()
                .orElseThrow(() -> new BadInputException("trial " + trialId + " is not in " + study + " (" + trials.size()
                        + " trials); list them with: gradstudy plan " + study + " --list"));
        TrialResult r = TrialRunner.run(trial, "local", Versions.summary(null), data);
        System.out.println("trial " + trial.trialId() + " of study " + s.name() + ", replicate " + trial.replicate()
                + ", seed " + trial.seed());
        System.out.println("config: " + trial.canonical());
        System.out.printf("status: %s%s; steps run %d; train loss %s, accuracy %s; test loss %s, accuracy %s; clip rate %.3f%n",
                r.status().key(), r.error() == null ? "" : " (" + r.error() + ")", r.stepsRun(), r.trainLoss(),
                r.trainAccuracy(), r.testLoss(), r.testAccuracy(), r.clipRate());
        if (r.firstNonfiniteStep() != null)
            System.out.println("first non-finite step: " + r.firstNonfiniteStep() + ", layer " + r.firstNonfiniteLayer());
        int last = r.layerStats().stream().mapToInt(LayerStat::step).max().orElse(0);
        System.out.printf("%n%5s %5s %-6s %-6s %12s %12s %12s %8s %12s %12s %10s %10s %10s%n", "step", "layer", "kind",
                "param", "grad_l2", "grad_mean", "grad_max", "zero", "param_l2", "upd_ratio", "act_mean", "act_std", "dead/sat");
        for (LayerStat x : r.layerStats()) {
            if (!allSteps && x.step() != 0 && x.step() != last) continue;
            Double ds = x.actDead() != null ? x.actDead() : x.actSaturated();
            System.out.printf("%5d %5d %-6s %-6s %12.4e %12.4e %12.4e %8.4f %12.4e %12s %10s %10s %10s%n", x.step(), x.layer(),
                    x.kind(), x.param(), x.gradL2(), x.gradMeanAbs(), x.gradMaxAbs(), x.gradZeroFraction(), x.paramL2(),
                    fmt(x.updateRatio()), fmt(x.actMean()), fmt(x.actStd()), fmt(ds));
        }
        if (export != null) {
            TrialExport.write(trial, data, export);
            System.out.println("\nexported to " + export + ": x.npy, y.npy, params/*.npy, grads/*.npy, trial.txt");
        }
        return r.status() == TrialStatus.FAILED ? 1 : 0;
    }

    private static String fmt(Double v) { return v == null ? "-" : String.format("%.4g", v); }
}
