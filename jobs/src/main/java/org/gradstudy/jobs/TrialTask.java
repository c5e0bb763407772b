package org.gradstudy.jobs;

import org.apache.spark.SparkEnv;
import org.gradstudy.engine.TrialRunner;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.Versions;
import org.gradstudy.study.TrialConfig;
import org.gradstudy.data.UserData;

import org.apache.spark.util.LongAccumulator;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Executor side of {@code run}: one task's pack of trials, one after another. Captures nothing but the trial configs. */
final class TrialTask {
    private TrialTask() {}

    /** Runs {@code pack}'s trials in order, counting each in {@code finished} as it ends. */
    static List<TrialResult> run(List<TrialConfig> pack, UserData data, long timeoutMillis, LongAccumulator finished) {
        String executor = executor(), versions = Versions.summary("spark=" + org.apache.spark.package$.MODULE$.SPARK_VERSION());
        List<TrialResult> out = new ArrayList<>(pack.size());
        for (TrialConfig trial : pack) {
            out.add(TrialRunner.run(trial, executor, versions, data, timeoutMillis));
            finished.add(1);
        }
        return out;
    }

    /** executor id @ host : pid, so a result says which JVM computed it. */
    static String executor() {
        SparkEnv env = SparkEnv.get();
        String id = env == null ? "none" : env.executorId();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return id + "@" + host + ":" + ProcessHandle.current().pid();
    }
}
