package org.gradstudy.engine;

import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Milliseconds per training step of one trial shape, through the same {@link Trainer#step()} that
 * {@link TrialRunner} uses, in three modes: without the probe (no listener at all), with the probe on the
 * trial's own schedule, and with the probe recording every step. One network trains in all three modes,
 * its two probes attached in turn ({@link Trainer#attach}): two networks of the same shape differ in step
 * time by up to 2% in either direction (where their native arrays landed: measured 2026-12-06 with two
 * probe-less networks side by side, relu d64 w64, -1.9% to +2.0% in six JVMs), which the probe's
 * figures inherited when each mode had a network of its own. Each mode is warmed up, then timed in
 * interleaved repetitions (off, sampled, every, off, ...; step by step from {@link #INTERLEAVE_STEPS_MS} on) so
 * that drift in machine load hits all modes alike; overheads are the median of the per-repetition ratios to the
 * probe-off time.
 */
public final class StepBench {
    /** How the probe is attached. */
    public enum Mode {
        /** No listener: the bare training loop. */
        OFF,
        /** The probe on the trial's schedule (probe.every, default 10). */
        SAMPLED,
        /** The probe recording every step. */
        EVERY
    }

    /**
     * Per mode, the wall-clock and thread-CPU milliseconds per step of each repetition.
     */
    public record Result(TrialConfig trial, Map<Mode, double[]> wallMs, Map<Mode, double[]> cpuMs) {
        /** Median wall-clock ms per step of {@code mode}. */
        public double wall(Mode mode) { return median(wallMs.get(mode)); }

        /** Median thread-CPU ms per step of {@code mode}. */
        public double cpu(Mode mode) { return median(cpuMs.get(mode)); }

        /** Median over repetitions of time(mode) / time(OFF) - 1, wall clock. */
        public double overhead(Mode mode) { return pairedOverhead(wallMs, mode); }

        /**
         * The same in the training thread's CPU time: what the probe costs the step itself, without the
         * time other processes took the core away (the figure the probe targets are about).
         */
        public double cpuOverhead(Mode mode) { return pairedOverhead(cpuMs, mode); }

        private static double pairedOverhead(Map<Mode, double[]> ms, Mode mode) {
            double[] a = ms.get(mode), off = ms.get(Mode.OFF), r = new double[a.length];
            for (int i = 0; i < a.length; i++) r[i] = a[i] / off[i] - 1;
            return median(r);
        }
    }

    private StepBench() {}

    /**
     * From this step time on (ms, the probe-off warm-up's), the modes take turns step by step within each repetition
     * (off, sampled, every, off, ...; each mode's steps of the repetition summed) instead of in blocks of a
     * repetition's steps: a block of 10 steps of the depth-64 shapes lasts 0.8-1.3 s, over which this host's speed
     * moves by a third, and 15 such repetitions read the sampled probe at 6.9% and 4.5% while the every-step
     * probe, which does ten times the work, read 8.8% and 3.0% (relu and tanh d64 w256, 2026-12-07). The sampled
     * probe still records one step in each repetition's ten. Shorter steps keep the blocks, so that no step pays
     * for the switch from another mode's probe (its arrays out of the cache) more than a real trial would.
     */
    public static final double INTERLEAVE_STEPS_MS = 10;

    /** Repetitions at most, however fast the step: 400 of 10 steps per mode is 6 s at 0.5 ms a step. */
    public static final int MAX_REPS = 400;

    /**
     * Warm-up per mode, when the shape has time to fill (seconds > 0): at least this long, in as many steps as that
     * takes (up to {@link #MAX_WARMUP_STEPS}), and at least the warm-up steps asked for. Ten steps of a small shape
     * (relu d4 w64: 9 ms) end before the JIT compiles the probe's code for it: its warm-up steps ran at 2.7 ms
     * against 0.9 ms once warm (bench of 2026-12-07), and its first timed repetitions paid for the compilation.
     */
    public static final double MIN_WARMUP_SECONDS = 0.5;

    /** Warm-up steps per mode at most. */
    public static final int MAX_WARMUP_STEPS = 2000;

    /**
     * Times {@code trial}'s step: {@code warmup} untimed steps per mode (and, when {@code seconds} > 0, as many more
     * as fill {@link #MIN_WARMUP_SECONDS}), then repetitions of {@code steps}
     * steps per mode: at least {@code reps}, and as many more (up to {@link #MAX_REPS}) as fit in
     * {@code seconds} at the step time of the last half of the warm-up. The more repetitions, the less noise in
     * the median ratio: one repetition's ratio moves by about 3% either way from the next on this
     * machine's 2 cores (shared caches, and a host shared with others), at any block length from 10 ms
     * to 1 s, so a handful of repetitions leave the median a percent or more off (relu d4 w64: sampled
     * +1.3-1.4% and every +4.2-4.4% in three runs of 200 repetitions, -0.1% and 14.3% in one of 9). Runs on the
     * calling thread (one ND4J thread: set OMP_NUM_THREADS=1).
     */
    public static Result measure(TrialConfig trial, int warmup, int steps, int reps, double seconds) {
        return measure(trial, warmup, steps, reps, seconds, INTERLEAVE_STEPS_MS);
    }

    /** {@link #measure(TrialConfig, int, int, int, double)}, the modes taking turns step by step from {@code interleaveMs} per step on. */
    static Result measure(TrialConfig trial, int warmup, int steps, int reps, double seconds, double interleaveMs) {
        if (warmup < 0 || steps < 1 || reps < 1 || !(seconds >= 0))
            throw new IllegalArgumentException("warmup >= 0, steps >= 1, reps >= 1, seconds >= 0");
        Training t = trial.training();
        long warmupNs = seconds > 0 ? (long) (MIN_WARMUP_SECONDS * 1e9) : 0;
        int total = Math.max(warmup, MAX_WARMUP_STEPS) + steps * MAX_REPS + 1;
        Training longer = new Training(total, t.batchSize(), t.dataset(), t.samples(), t.classes(), t.inputDim(),
                t.testFraction(), t.precision(), t.smallStd(), t.largeStd(), t.file(), t.labelColumn(), t.dataFingerprint());
        TrialConfig sampled = new TrialConfig(trial.study(), trial.studySeed(), trial.replicate(), trial.seed(), trial.point(), longer, trial.probe());
        TrialConfig every = new TrialConfig(trial.study(), trial.studySeed(), trial.replicate(), trial.seed(), trial.point(), longer, new ProbeSettings(1));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Mode, GradientProbe> probes = new EnumMap<>(Mode.class);
        Map<Mode, double[]> wall = new EnumMap<>(Mode.class), cpu = new EnumMap<>(Mode.class);
        try {
            Trainer tr = new Trainer(sampled, null, true);
            probes.put(Mode.SAMPLED, tr.probe);
            probes.put(Mode.EVERY, new GradientProbe(tr.built, every));
            double warmMs = 0; // the probe-off warm-up's last half, per step
            for (Mode m : Mode.values()) {
                tr.attach(probes.get(m));
                double[] ms = new double[Math.max(warmup, MAX_WARMUP_STEPS)];
                long start = System.nanoTime();
                int n = 0; // at least warmup steps, and for at least warmupNs
                while (n < warmup || System.nanoTime() - start < warmupNs && n < MAX_WARMUP_STEPS) {
                    long w0 = System.nanoTime();
                    tr.step();
                    ms[n++] = (System.nanoTime() - w0) / 1e6;
                }
                if (m == Mode.OFF) for (int i = n / 2; i < n; i++) warmMs += ms[i] / (n - n / 2);
            }
            if (warmMs > 0) reps = Math.max(reps, Math.min(MAX_REPS, (int) Math.ceil(seconds * 1000 / (3 * steps * warmMs))));
            for (Mode m : Mode.values()) {
                wall.put(m, new double[reps]);
                cpu.put(m, new double[reps]);
            }
            int turn = warmMs >= interleaveMs ? 1 : steps; // long steps: the modes take turns step by step
            for (int r = 0; r < reps; r++)
                for (int done = 0; done < steps; done += turn)
                    for (Mode m : Mode.values()) {
                        tr.attach(probes.get(m));
                        long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                        for (int i = 0; i < turn; i++) tr.step();
                        wall.get(m)[r] += (System.nanoTime() - w0) / 1e6 / steps;
                        cpu.get(m)[r] += (mx.getCurrentThreadCpuTime() - c0) / 1e6 / steps;
                    }
            return new Result(trial, wall, cpu);
        } finally {
            Trainer.releaseThreadWorkspaces();
        }
    }

    /** The median of {@code xs} (mean of the middle two for an even count). */
    public static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
