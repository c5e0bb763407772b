package org.gradstudy.jobs;

import org.apache.spark.SparkEnv;
import org.gradstudy.engine.TrialRunner;
import org.gradstudy.result.TrialResult;
import org.gradstudy.result.Versions;
import org.gradstudy.study.TrialConfig;
import org.gradstudy.data.UserData;

import java.net.InetAddress;

/** Executor side of {@code run}: one trial (a task runs its pack's trials one after another). Captures nothing but the trial config. */
final class TrialTask {
    private TrialTask() {}

    static TrialResult run(TrialConfig trial, UserData data, long timeoutMillis) {
        return TrialRunner.run(trial, executor(), Versions.summary("spark=" + org.apache.spark.package$.MODULE$.SPARK_VERSION()),
                data, timeoutMillis);
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
