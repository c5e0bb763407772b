package org.gradstudy.jobs;

import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gradstudy.engine.StepBench;
import org.gradstudy.result.Versions;
import org.gradstudy.study.Activation;
import org.gradstudy.study.Axis;
import org.gradstudy.study.DatasetKind;
import org.gradstudy.study.Expander;
import org.gradstudy.study.Init;
import org.gradstudy.study.Precision;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Setting;
import org.gradstudy.study.Study;
import org.gradstudy.study.StudyParser;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;

/**
 * {@code bench}: what a study costs on this machine, section by section (README, "Benchmarks"):
 * <ul>
 * <li>{@code steps}: ms per training step of the reference shapes without the probe, with the probe at the
 * default sampling and every step, and the overhead ratios ({@link StepBench}: the engine's own step);</li>
 * <li>{@code throughput}: a 500-trial study through {@link RunJob} on local[1], then local[2]: trials per
 * second, scaling, and Spark efficiency = sum of the trials' own wall_ms / (run wall time x cores);</li>
 * <li>{@code rss}: the resident size of an executor JVM of its own ({@link ExecutorJvm}) sampled over 2000 tiny trials;</li>
 * <li>{@code aggregate}: a synthetic warehouse of 10 million layer_stats rows written through the normal
 * commit path, then the aggregation timed; Parquet bytes per row before and after gradstudy's writer settings;</li>
 * <li>{@code peer}: the PyTorch peer script on identical shapes, when python3 with torch is installed.</li>
 * </ul>
 * Each section prints how many cores other processes used while it ran.
 */
public final class BenchJob {
    /** The sections, in the order they run. */
    public enum Section { STEPS, THROUGHPUT, RSS, AGGREGATE, PEER;
        String key() { return name().toLowerCase(Locale.ROOT); }
    }

    /** Accepts section names in lower case ({@code --only steps,peer}). */
    static final class SectionConverter implements CommandLine.ITypeConverter<Section> {
        @Override public Section convert(String value) {
            for (Section s : Section.values()) if (s.key().equals(value.trim().toLowerCase(Locale.ROOT))) return s;
            throw new CommandLine.TypeConversionException("unknown section '" + value + "'; allowed: steps, throughput, rss, aggregate, peer");
        }
    }

    /**
     * Bench settings.
     *
     * @param warmup     untimed steps per mode before timing
     * @param steps      steps per timed repetition
     * @param reps       timed repetitions per mode at least (the median is reported)
     * @param stepSeconds time per shape that more repetitions may fill ({@link StepBench#measure})
     * @param trials     trials of the throughput study
     * @param trialSteps training steps of each throughput trial
     * @param rssTrials  tiny trials of the rss section
     * @param rows       layer_stats rows of the aggregate section
     * @param peerIters  iterations per peer trial
     */
    record Options(boolean quick, Set<Section> sections, java.nio.file.Path work, int warmup, int steps, int reps, double stepSeconds,
                   int trials, int trialSteps, int rssTrials, long rows, int peerIters, String python, java.nio.file.Path peerScript) {
        static Options of(boolean quick, Set<Section> sections, java.nio.file.Path work, Long rows, Integer trials, Integer rssTrials,
                          String python, java.nio.file.Path peerScript) {
            if (rows != null && rows < 1000 || trials != null && trials < 20 || rssTrials != null && (rssTrials < 20 || rssTrials > 16000))
                throw new BadInputException("--rows must be >= 1000, --trials >= 20, --rss-trials from 20 to 16000");
            return new Options(quick, sections, work, quick ? 3 : 10, quick ? 5 : 10, quick ? 3 : 15, quick ? 0 : 8,
                    trials != null ? trials : quick ? 40 : 500, quick ? 10 : 100,
                    rssTrials != null ? rssTrials : quick ? 200 : 2000, rows != null ? rows : quick ? 200_000 : 10_000_000,
                    quick ? 20 : 200, python, peerScript);
        }
    }

    /** One reference shape: activation and its init, depth, width, precision; batch 64. */
    record Shape(Activation activation, Init init, int depth, int width, Precision precision) {
        String label() {
            return String.format("%-4s+%-6s d%-2d w%-3d %s", activation.key(), init == Init.HE_NORMAL ? "he" : "xavier",
                    depth, width, precision.key());
        }

        String peerAct() { return activation.key(); }

        String peerInit() { return init == Init.HE_NORMAL ? "he" : "xavier"; }
    }

    static final int BATCH = 64, INPUTS = 16, CLASSES = 3;
    static final Shape REFERENCE = new Shape(Activation.RELU, Init.HE_NORMAL, 16, 64, Precision.DOUBLE);

    private final Options o;
    private final PrintStream out;
    private final Map<Shape, StepBench.Result> stepResults = new LinkedHashMap<>();
    private final Map<String, Double> trialsPerSecond = new LinkedHashMap<>();
    private final List<String> verdicts = new ArrayList<>();

    private BenchJob(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    /** Runs the selected sections, printing to {@code out}. */
    static void run(Options o, PrintStream out) throws IOException {
        java.nio.file.Path work = o.work() != null ? Files.createDirectories(o.work()) : Files.createTempDirectory("gradstudy-bench");
        BenchJob b = new BenchJob(o, out);
        out.printf("gradstudy bench%s: %s, %d cores, %s; OMP_NUM_THREADS=%s; java %s; max heap %d MB; scratch %s%n",
                o.quick() ? " --quick (smoke sizes: figures mean nothing)" : "", MachineLoad.cpuModel(),
                Runtime.getRuntime().availableProcessors(), Versions.summary(null), System.getenv("OMP_NUM_THREADS"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, work);
        if (!"1".equals(System.getenv("OMP_NUM_THREADS")))
            out.println("WARNING: OMP_NUM_THREADS is not 1: ND4J's OpenMP threads will fight over the cores (bin/gradstudy sets it)");
        try {
            if (o.sections().contains(Section.STEPS)) b.steps();
            if (o.sections().contains(Section.THROUGHPUT)) b.throughput(work.resolve("throughput"));
            if (o.sections().contains(Section.RSS)) b.rss(work.resolve("rss"));
            if (o.sections().contains(Section.AGGREGATE)) b.aggregate(work.resolve("aggregate"));
            if (o.sections().contains(Section.PEER)) b.peer();
        } finally {
            if (o.work() == null) deleteTree(work);
        }
        out.println("\n== targets");
        for (String v : b.verdicts) out.println("  " + v);
    }

    // ---------------------------------------------------------------- steps

    static List<Shape> shapes() {
        List<Shape> shapes = new ArrayList<>();
        for (int depth : new int[] {4, 16, 64})
            for (int width : new int[] {64, 256})
                for (Activation a : new Activation[] {Activation.RELU, Activation.TANH})
                    shapes.add(new Shape(a, a == Activation.RELU ? Init.HE_NORMAL : Init.XAVIER_NORMAL, depth, width, Precision.DOUBLE));
        shapes.add(new Shape(REFERENCE.activation(), REFERENCE.init(), REFERENCE.depth(), REFERENCE.width(), Precision.FLOAT));
        return shapes;
    }

    /** The trial of a shape: teacher data with 16 inputs and 3 classes (as the peer), batch 64, default probe sampling. */
    static TrialConfig trial(Shape s) {
        Map<Axis, Object> p = new EnumMap<>(Axis.class);
        p.put(Axis.ACTIVATION, s.activation());
        p.put(Axis.INIT, s.init());
        p.put(Axis.DEPTH, s.depth());
        p.put(Axis.WIDTH, s.width());
        p.put(Axis.LEARNING_RATE, 0.01);
        Training t = Training.synthetic(1, BATCH, DatasetKind.TEACHER, 2048, CLASSES, INPUTS, 0.2, s.precision());
        return new TrialConfig("bench", 1, 0, 7, p, t, new ProbeSettings((Integer) Setting.PROBE_EVERY.defaultValue()));
    }

    void steps() {
        int every = (Integer) Setting.PROBE_EVERY.defaultValue();
        out.printf("%n== steps: ms per training step, batch %d, one thread; median of at least %d repetitions of %d steps (reps: as many as fit "
                + "in %.0f s per shape, up to %d) after %d warm-up steps per mode%s%n", BATCH, o.reps(), o.steps(), o.stepSeconds(), StepBench.MAX_REPS,
                o.warmup(), o.stepSeconds() > 0 ? String.format(", and more to fill %.1f s (up to %d)", StepBench.MIN_WARMUP_SECONDS, StepBench.MAX_WARMUP_STEPS) : "");
        out.println("   off = no probe; sampled = probe.every " + every + " (the default); every = probe.every 1; one network per shape, "
                + "its probes attached in turn; overhead = median of paired ratios to off");
        out.printf("   a repetition runs each mode's steps in a block, or, at %.0f ms a step and more, the modes step by step in turn%n",
                StepBench.INTERLEAVE_STEPS_MS);
        MachineLoad load = MachineLoad.start();
        // JIT warm-up, not reported: the reference shape in both precisions (the float shape's own paths, the
        // probe's widening of float tensors among them, were otherwise compiled while that shape was timed).
        for (Precision p : Precision.values())
            StepBench.measure(trial(new Shape(REFERENCE.activation(), REFERENCE.init(), REFERENCE.depth(), REFERENCE.width(), p)),
                    o.warmup(), o.steps(), 1, 0);
        out.println("   cpu = this thread's CPU ms per step (what the step costs when the core is not shared); cpu ovh = overhead in CPU time");
        out.printf("   %-28s %5s %8s %8s %8s %8s %8s | %8s %8s %8s %8s %8s%n", "shape", "reps", "off ms", "sampled", "every", "ovh smp", "ovh evr",
                "cpu off", "cpu smp", "cpu evr", "cpu ovh s", "cpu ovh e");
        for (Shape s : shapes()) {
            StepBench.Result r = StepBench.measure(trial(s), o.warmup(), o.steps(), o.reps(), o.stepSeconds());
            stepResults.put(s, r);
            out.printf("   %-28s %5d %8.2f %8.2f %8.2f %7.1f%% %7.1f%% | %8.2f %8.2f %8.2f %8.1f%% %8.1f%%%n", s.label(),
                    r.cpuMs().get(StepBench.Mode.OFF).length, r.wall(StepBench.Mode.OFF),
                    r.wall(StepBench.Mode.SAMPLED), r.wall(StepBench.Mode.EVERY), 100 * r.overhead(StepBench.Mode.SAMPLED),
                    100 * r.overhead(StepBench.Mode.EVERY), r.cpu(StepBench.Mode.OFF), r.cpu(StepBench.Mode.SAMPLED), r.cpu(StepBench.Mode.EVERY),
                    100 * r.cpuOverhead(StepBench.Mode.SAMPLED), 100 * r.cpuOverhead(StepBench.Mode.EVERY));
            out.flush();
        }
        out.println("   " + load.report());
        // Verdicts on CPU time (the step's own cost); the worst wall-clock figure is printed beside it.
        double[] all = worst(StepBench.Mode.EVERY), sampled = worst(StepBench.Mode.SAMPLED);
        verdicts.add(verdict(all[0] <= 0.10, String.format("probe overhead every step <= 10%%: worst shape %.1f%% in CPU time (%.1f%% wall)",
                shown(100 * all[0], 1, false), shown(100 * all[1], 1, false))));
        verdicts.add(verdict(sampled[0] <= 0.02, String.format("probe overhead at the default sampling <= 2%%: worst shape %.1f%% in CPU time (%.1f%% wall)",
                shown(100 * sampled[0], 1, false), shown(100 * sampled[1], 1, false))));
    }

    /** The largest CPU-time and wall-clock overhead of {@code mode} over the measured shapes. */
    private double[] worst(StepBench.Mode mode) {
        double cpu = Double.NEGATIVE_INFINITY, wall = Double.NEGATIVE_INFINITY;
        for (StepBench.Result r : stepResults.values()) {
            cpu = Math.max(cpu, r.cpuOverhead(mode));
            wall = Math.max(wall, r.overhead(mode));
        }
        return new double[] {cpu, wall};
    }

    // ---------------------------------------------------------------- throughput

    /** The throughput study: 20 grid points the peer can run too, replicated up to {@code trials}, stats every step. */
    static String throughputStudy(String name, int trials, int steps) {
        int replicates = Math.max(1, (trials + 19) / 20);
        return "name = " + name + "\nseed = 11\nreplicates = " + replicates + "\n"
                + "axes { activation = [relu, tanh], init = [he-normal, xavier-normal], depth = [2, 4, 8, 16, 32], width = [64], learning-rate = [0.01] }\n"
                + "training { steps = " + steps + ", batch-size = " + BATCH + ", dataset = teacher, input-dim = " + INPUTS
                + ", classes = " + CLASSES + ", samples = 1024 }\nprobe { every = 1 }\n";
    }

    void throughput(java.nio.file.Path dir) {
        int replicates = Math.max(1, (o.trials() + 19) / 20);
        out.printf("%n== throughput: %d trials (relu/tanh x he/xavier x depth 2,4,8,16,32 x width 64 x %d seeds; %d steps, batch %d, "
                + "probe every step) through the run job, on a fresh warehouse%n", 20 * replicates, replicates, o.trialSteps(), BATCH);
        out.println("   efficiency = sum of the trials' own wall_ms / (wall x cores); run = the whole run job (planning, commits, "
                + "depth_summary); trials = first trial start to last trial end");
        out.printf("   %-9s %7s %9s %9s %12s %10s %10s %10s%n", "master", "trials", "wall s", "trials/s", "sum trial s", "eff run", "eff trials", "peak RSS");
        Map<String, Long> peak = new LinkedHashMap<>();
        Map<String, Double> cpuPerTrial = new LinkedHashMap<>();
        for (String master : List.of("local[1]", "local[2]")) {
            int cores = master.equals("local[1]") ? 1 : 2;
            MachineLoad load = MachineLoad.start();
            String byThread = null, slots = null;
            long compiled = -1;
            SparkSession spark = session(master);
            try {
                // Warm-up (JIT, Spark's first jobs), not timed.
                RunJob.run(spark, parse(throughputStudy("bench-warmup", 20, 5)), new Warehouse(dir.resolve("warmup-" + cores).toString()));
                Warehouse wh = new Warehouse(dir.resolve("wh-" + cores).toString());
                Study study = parse(throughputStudy("bench-throughput", o.trials(), o.trialSteps()));
                TaskSpan span = new TaskSpan();
                spark.sparkContext().addSparkListener(span);
                RssSampler rss = RssSampler.start(200, span);
                ThreadCpu cpu = ThreadCpu.start();
                long classes = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
                long t0 = System.nanoTime();
                RunJob.Outcome outcome;
                try {
                    outcome = RunJob.run(spark, study, wh);
                } finally {
                    cpu.close();
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                byThread = cpu.report();
                compiled = CodegenMetrics.METRIC_COMPILATION_TIME().getCount() - classes;
                rss.stop();
                try {
                    spark.sparkContext().listenerBus().waitUntilEmpty(); // the run's last task ends delivered to span
                } catch (java.util.concurrent.TimeoutException e) {
                    out.println("   Spark's listener bus did not drain in 10 s: the task slot figures may miss the last tasks");
                }
                spark.sparkContext().removeSparkListener(span);
                double sumTrial = spark.read().parquet(wh.table(TrialsTable.NAME)).where(col(TrialsTable.STUDY).equalTo(study.name()))
                        .agg(org.apache.spark.sql.functions.sum(TrialsTable.WALL_MS)).first().getLong(0) / 1000.0;
                double trialPhase = span.seconds();
                slots = span.slots(wall, cores, sumTrial);
                trialsPerSecond.put(master, outcome.ran() / wall);
                cpuPerTrial.put(master, span.trialCpuSeconds() / Math.max(1, outcome.ran()));
                peak.put(master, rss.peak());
                out.printf("   %-9s %7d %9.1f %9.2f %12.1f %9.1f%% %9.1f%% %7d MB%n", master, outcome.ran(), wall, outcome.ran() / wall,
                        sumTrial, shown(100 * sumTrial / (wall * cores), 1, true), shown(100 * sumTrial / (trialPhase * cores), 1, true), rss.peak() >> 20);
                if (cores == 2) {
                    verdicts.add(verdict(sumTrial / (wall * cores) >= 0.9, String.format("Spark efficiency >= 90%% on local[2]: %.1f%% "
                            + "(whole run), %.1f%% (trial phase)", shown(100 * sumTrial / (wall * cores), 1, true),
                            shown(100 * sumTrial / (trialPhase * cores), 1, true))));
                }
            } finally {
                spark.stop();
            }
            out.println("   " + master + " " + load.report());
            if (byThread != null) out.println("   " + master + " " + byThread);
            // Each is Janino's work and then the JIT's: a run after the warm-up should find its generated classes cached.
            if (compiled >= 0) out.println("   " + master + " classes Spark generated and compiled during the run (not in its cache): " + compiled);
            if (slots != null) out.println("   " + master + " " + slots);
        }
        double scaling = trialsPerSecond.get("local[2]") / trialsPerSecond.get("local[1]");
        out.printf("   scaling local[2] / local[1]: %.2fx%n", shown(scaling, 2, true));
        // The same trials' CPU time differs between the two runs by the host's speed while each ran (this VM's
        // moved 7-9% either way between runs), and by what two trials side by side cost each other.
        double cpuRatio = cpuPerTrial.get("local[2]") / cpuPerTrial.get("local[1]");
        double equalCpu = atEqualCpu(scaling, cpuPerTrial.get("local[1]"), cpuPerTrial.get("local[2]"));
        out.printf("   trial tasks' CPU time per trial local[2] / local[1]: %.3f; scaling at equal trial CPU time: %.2fx%n",
                cpuRatio, shown(equalCpu, 2, true));
        out.printf("   executor memory per concurrent trial (peak RSS local[2] - local[1]): %d MB%n",
                (peak.get("local[2]") - peak.get("local[1]")) >> 20);
        verdicts.add(verdict(scaling >= 1.8, String.format("local[2] >= 1.8x local[1]: %.2fx (%.2fx at equal trial CPU time)",
                shown(scaling, 2, true), shown(equalCpu, 2, true))));
    }

    /**
     * The scaling local[2] / local[1] had each trial cost the same CPU time in both runs: the measured scaling
     * times the ratio of the trials' CPU time per trial, local[2] over local[1].
     */
    static double atEqualCpu(double scaling, double cpuPerTrial1, double cpuPerTrial2) {
        return scaling * cpuPerTrial2 / cpuPerTrial1;
    }

    // ---------------------------------------------------------------- rss

    /**
     * The rss section. Before the measured trials, twice as many untimed ones (16,000 at most): the executor's
     * RSS climbs over its first 1,000-4,000 tiny trials, then stays flat. Sampled with Native Memory Tracking over 6000 trials
     * (2026-12-07), the climb is the JIT's code cache (8 to 54 MB) and native memory outside the JVM's
     * accounting (ND4J's and JavaCPP's allocations and caches, 20 to about 85 MB), neither growing further
     * once warm: trials 3000-6000 and 3000-10000 of such runs had slopes of -1.9, +0.8 and +1.0 MB per 1000
     * trials, while a warm-up of a tenth left the second half of 2000 measured trials on the climb (+2.4 to
     * +24.7 MB per 1000 in ten runs). Capping glibc's arenas (MALLOC_ARENA_MAX=2) or fixing its mmap
     * threshold changed nothing (+4.3, +11.7, +2.4; +5.4, +12.0, +17.9).
     */
    void rss(java.nio.file.Path dir) {
        int[] measured = rssLayout(o.rssTrials()), warm = rssLayout(Math.min(2 * o.rssTrials(), 16_000));
        String widthList = rssWidths(measured[0]), warmWidths = rssWidths(warm[0]);
        long total = 2L * measured[0] * measured[1];
        out.printf("%n== rss: the executor's VmRSS over %d tiny trials (depth 2, width %s, 20 steps), after %d untimed ones%n",
                total, widthList, 2L * warm[0] * warm[1]);
        out.printf("   one executor JVM of 2 cores (Spark's local-cluster master), its heap fixed at %d MB and touched at start: "
                + "the RSS moves only with memory outside the heap (ND4J's native arrays, threads, JIT code)%n", ExecutorJvm.HEAP_MB);
        SparkSession spark = ExecutorJvm.session("gradstudy bench rss", 2);
        try {
            RunJob.run(spark, parse(rssStudy("bench-rss-warmup", warm[1], warmWidths)), new Warehouse(dir.resolve("warmup").toString()));
            String pid = Long.toString(ExecutorJvm.pid(30_000));
            MachineLoad load = MachineLoad.start();
            TaskSpan span = new TaskSpan();
            spark.sparkContext().addSparkListener(span);
            RssSampler rss = RssSampler.start(250, span, pid);
            RunJob.run(spark, parse(rssStudy("bench-rss", measured[1], widthList)), new Warehouse(dir.resolve("wh").toString()));
            rss.stop();
            spark.sparkContext().removeSparkListener(span);
            List<long[]> samples = new ArrayList<>(); // {trials done, rss, threads} while trials ran
            for (long[] s : rss.samples()) if (s[0] > 0 && s[0] < total && s[1] > 0) samples.add(s);
            out.printf("   %8s %10s %8s%n", "trials", "RSS MB", "threads");
            long nextMark = 0;
            for (long[] s : samples)
                if (s[0] >= nextMark) {
                    out.printf("   %8d %10d %8d%n", s[0], s[1] >> 20, s[2]);
                    nextMark = s[0] + Math.max(1, total / 20);
                }
            double slope = slope(samples, total / 2, 1) * 1000 / (1 << 20);
            long first = samples.isEmpty() ? 0 : samples.get(0)[1] >> 20, last = samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[1] >> 20;
            out.printf("   executor RSS %d MB after the first trials, %d MB before the last; least-squares slope over the second half: "
                    + "%+.1f MB per 1000 trials%n", first, last, slope);
            verdicts.add(verdict(Math.abs(slope) < 10, String.format("flat executor RSS over %d trials: slope %+.1f MB per 1000 trials over the second half (|slope| < 10)", total, slope)));
            out.println("   " + load.report());
        } finally {
            spark.stop();
        }
    }

    /**
     * Widths and replicates of an rss study of about {@code trials} trials (relu and tanh at each width): a study
     * holds at most 1000 replicates of a point, so past 2000 trials, widths 15, 14, ... are added to 16.
     */
    static int[] rssLayout(int trials) {
        int widths = (trials + 1999) / 2000;
        return new int[] {widths, Math.max(1, trials / (2 * widths))};
    }

    /** The first {@code n} widths of the rss studies, 16 down, as a study list's items. */
    static String rssWidths(int n) {
        StringBuilder list = new StringBuilder();
        for (int w = 0; w < n; w++) list.append(w == 0 ? "" : ", ").append(16 - w);
        return list.toString();
    }

    /** The rss section's study: relu and tanh, depth 2, the given widths, {@code replicates} seeds each. */
    static String rssStudy(String name, int replicates, CharSequence widths) {
        return "name = " + name + "\nseed = 5\nreplicates = " + replicates + "\naxes { activation = [relu, tanh], depth = [2], width = [" + widths + "] }\n"
                + "training { steps = 20, batch-size = 16, samples = 128 }\nprobe { every = 5 }\n";
    }

    /** Least-squares slope of column {@code y} over trials done, for samples with at least {@code from} trials done. */
    static double slope(List<long[]> samples, long from, int y) {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (long[] s : samples)
            if (s[0] >= from) {
                n++;
                sx += s[0];
                sy += s[y];
                sxx += (double) s[0] * s[0];
                sxy += (double) s[0] * s[y];
            }
        double d = n * sxx - sx * sx;
        return n < 2 || d == 0 ? 0 : (n * sxy - sx * sy) / d;
    }

    // ---------------------------------------------------------------- aggregate

    /**
     * The aggregation the bench times: every aggregate table ({@link AggregateJob}). The single place
     * to re-point when the aggregation changes.
     */
    static void aggregationUnderTest(SparkSession spark, Warehouse warehouse, Commits commits, String study) {
        AggregateJob.run(spark, commits, study, org.gradstudy.study.Analysis.defaults());
    }

    /** A study whose recorded layer_stats rows add up to about {@code rows}: 21 recorded steps x (depth + 1) x (W, b) per trial. */
    static String aggregateStudy(long rows) {
        long perReplicate = 2L * 5 * 2 * 21 * 2 * (5 + 9 + 17 + 33); // lr x activations x inits x steps x params x layers
        long replicates = Math.max(1, (rows + perReplicate - 1) / perReplicate);
        return "name = bench-aggregate\nseed = 3\nreplicates = " + replicates + "\n"
                + "axes { activation = [relu, tanh, sigmoid, elu, selu], init = [he-normal, xavier-normal], depth = [4, 8, 16, 32], "
                + "width = [64], learning-rate = [0.01, 0.1] }\n"
                + "training { steps = 200, batch-size = 64, dataset = teacher, input-dim = " + INPUTS + ", classes = " + CLASSES + " }\nprobe { every = 10 }\n";
    }

    void aggregate(java.nio.file.Path dir) throws IOException {
        Study study = parse(aggregateStudy(o.rows()));
        List<TrialConfig> trials = Expander.expand(study).trials();
        out.printf("%n== aggregate: synthetic warehouse of about %,d layer_stats rows (%,d trials), written through the commit path%n",
                o.rows(), trials.size());
        MachineLoad load = MachineLoad.start();
        SparkSession spark = session("local[2]");
        try {
            Warehouse wh = new Warehouse(dir.resolve("wh").toString());
            Commits commits = new Commits(spark, wh, study.name());
            long t0 = System.nanoTime();
            int chunk = 500;
            for (int from = 0; from < trials.size(); from += chunk) {
                List<TrialConfig> part = trials.subList(from, Math.min(trials.size(), from + chunk));
                Dataset<Row> trialRows = spark.createDataFrame(SyntheticWarehouse.trials(part), TrialsTable.SCHEMA);
                // As a real batch: each trial's rows together in one file, by step, layer and param (the probe's
                // order), max(1, trials / 100) files.
                Dataset<Row> stats = SyntheticWarehouse.stats(spark, part, study).repartition(Math.max(1, part.size() / 100), col(TrialsTable.TRIAL_ID))
                        .sortWithinPartitions(LayerStatsTable.TRIAL_ID, LayerStatsTable.STEP, LayerStatsTable.LAYER, LayerStatsTable.PARAM);
                commits.commit("bench-" + (from / chunk) + "-final", trialRows, stats);
            }
            double writeSecs = (System.nanoTime() - t0) / 1e9;
            long rows = spark.read().parquet(wh.table(LayerStatsTable.NAME)).count();
            long bytes = SyntheticWarehouse.bytes(spark, wh.table(LayerStatsTable.NAME));
            out.printf("   wrote %,d layer_stats rows in %.1f s: %,d bytes on disk, %.1f bytes per row (%s, trial by trial, by step, layer, param)%n",
                    rows, writeSecs, bytes, (double) bytes / rows, Commits.CODEC);
            for (int i = 0; i < (o.quick() ? 1 : 2); i++) {
                long a0 = System.nanoTime();
                aggregationUnderTest(spark, wh, commits, study.name());
                double secs = (System.nanoTime() - a0) / 1e9;
                out.printf("   aggregation (%s) of %,d rows, run %d%s: %.1f s%n", String.join(", ", AggregateJob.TABLES), rows, i + 1, i == 0 ? " (cold)" : " (warm)", secs);
                if (i == 0) verdicts.add(verdict(secs < 60 || rows < 9_000_000, String.format("%,d layer_stats rows aggregated in < 1 min: %.1f s", rows, secs)));
            }
            // Writer settings, before and after, on the same sample of rows.
            List<TrialConfig> sample = trials.subList(0, Math.min(trials.size(), 1500));
            // Two partitions in generation order (trial, step, layer, param), as the probe produces them.
            Dataset<Row> rowsSample = SyntheticWarehouse.stats(spark, sample, study).coalesce(2).drop(TrialsTable.STUDY).cache();
            long n = rowsSample.count();
            String before = dir.resolve("before").toString(), sorted = dir.resolve("zstd-sorted").toString(), after = dir.resolve("after").toString();
            rowsSample.write().parquet(before); // what Commits wrote before: Spark's defaults (snappy), generation order
            rowsSample.sortWithinPartitions(LayerStatsTable.TRIAL_ID, LayerStatsTable.STEP, LayerStatsTable.LAYER, LayerStatsTable.PARAM)
                    .write().option("compression", Commits.CODEC).parquet(sorted);
            Commits.writeLayerStats(rowsSample, after);
            rowsSample.unpersist();
            out.printf("   Parquet bytes per layer_stats row, same %,d rows: Spark's defaults (snappy) %.1f; "
                            + "gradstudy's writer (zstd, generation order) %.1f; zstd sorted again by trial, step, layer, param %.1f%n", n,
                    (double) SyntheticWarehouse.bytes(spark, before) / n, (double) SyntheticWarehouse.bytes(spark, after) / n, (double) SyntheticWarehouse.bytes(spark, sorted) / n);
        } finally {
            spark.stop();
        }
        out.println("   " + load.report());
    }

    // ---------------------------------------------------------------- peer

    void peer() throws IOException {
        out.println("\n== peer: PyTorch (" + "conf/bench/torch_peer.py" + ") on identical shapes, stats every step, float32, one process per trial");
        String python = TorchPeer.findPython(o.python());
        java.nio.file.Path script = TorchPeer.findScript(o.peerScript());
        if (python == null || script == null) {
            out.println("   skipped: " + (python == null ? "no python3 that can import torch (tried " + (o.python() != null ? o.python() : "/usr/bin/python3, python3")
                    + "); install it with: apt-get install python3-torch (Debian), then rerun with --only peer" : "peer script not found: pass --peer-script"));
            return;
        }
        MachineLoad load = MachineLoad.start();
        out.println("   " + python + " " + script);
        out.printf("   %-28s %12s %12s %10s%n", "shape", "torch ms", "gradstudy ms", "ratio");
        for (Shape s : shapes()) {
            if (s.precision() == Precision.FLOAT && !stepResults.containsKey(s)) continue;
            Map<String, Object> r = TorchPeer.run(python, script, List.of("--depths", "" + s.depth(), "--width", "" + s.width(), "--acts", s.peerAct(),
                    "--inits", s.peerInit(), "--iters", "" + o.peerIters(), "--batch", "" + BATCH, "--every", "1", "--seeds", "1",
                    "--procs", "1", "--in-dim", "" + INPUTS));
            double torch = ((Number) r.get("ms_per_iter")).doubleValue();
            StepBench.Result g = stepResults.get(s);
            if (g == null) out.printf("   %-28s %12.2f %12s %10s%n", s.label(), torch, "-", "-");
            else {
                double mine = g.wall(StepBench.Mode.EVERY);
                out.printf("   %-28s %12.2f %12.2f %9.2fx%n", s.label(), torch, mine, mine / torch);
                if (s.equals(REFERENCE))
                    verdicts.add(verdict(mine / torch <= 1.0, String.format("reference trial (relu+he d16 w64 b64, stats every step) no slower than "
                            + "PyTorch: %.2f ms vs %.2f ms = %.2fx", mine, torch, mine / torch)));
            }
            out.flush();
        }
        Double ours = trialsPerSecond.get("local[2]");
        int replicates = Math.max(1, (o.trials() + 19) / 20);
        Map<String, Object> t = TorchPeer.run(python, script, List.of("--depths", "2,4,8,16,32", "--width", "64", "--acts", "relu,tanh",
                "--inits", "he,xavier", "--iters", "" + o.trialSteps(), "--batch", "" + BATCH, "--every", "1", "--seeds", "" + replicates,
                "--procs", "2", "--in-dim", "" + INPUTS));
        double tps = ((Number) t.get("trials_per_s")).doubleValue();
        out.printf("   throughput study on 2 processes: torch %.2f trials/s (%s trials, %s s, %.2f ms/step); gradstudy local[2] %s%n",
                tps, t.get("trials"), t.get("wall_s"), ((Number) t.get("ms_per_iter")).doubleValue(),
                ours == null ? "not run (add throughput to --only)" : String.format("%.2f trials/s = %.2fx torch", ours, ours / tps));
        if (ours != null) verdicts.add(verdict(ours >= tps, String.format("study throughput >= PyTorch's on the same cores: %.2f vs %.2f trials/s", ours, tps)));
        out.println("   " + load.report());
    }

    // ---------------------------------------------------------------- helpers

    static SparkSession session(String master) {
        SparkSession spark = Sessions.create("gradstudy bench " + master, master, false);
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    static Study parse(String text) { return StudyParser.parse(text, "bench.conf", "bench"); }

    static String verdict(boolean met, String what) { return (met ? "MET     " : "MISSED  ") + what; }

    /**
     * {@code v} at {@code places} decimals, rounded toward missing its check: down for a figure that must
     * reach a target ({@code atLeast}), up for one that must stay under it. A scaling of 1.7996 prints 1.79,
     * not a 1.80 beside MISSED; an overhead of 10.04% prints 10.1%.
     */
    static double shown(double v, int places, boolean atLeast) {
        double f = Math.pow(10, places), x = v * f;
        return (atLeast ? Math.floor(x + 1e-9) : Math.ceil(x - 1e-9)) / f;
    }

    static void deleteTree(java.nio.file.Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // scratch space only: leave it
        }
    }
}
