package org.gradstudy.engine;

import org.gradstudy.study.Activation;
import org.gradstudy.study.Axis;
import org.gradstudy.study.Init;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.Training;
import org.gradstudy.study.TrialConfig;

import java.util.EnumMap;
import java.util.Map;

/** Trial configs for tests, every other axis at its default. */
final class Trials {
    private Trials() {}

    static TrialConfig of(Activation a, Init init, int depth, int width, double lr, Training t, ProbeSettings probe, long seed) {
        Map<Axis, Object> p = new EnumMap<>(Axis.class);
        p.put(Axis.ACTIVATION, a);
        p.put(Axis.INIT, init);
        p.put(Axis.DEPTH, depth);
        p.put(Axis.WIDTH, width);
        p.put(Axis.LEARNING_RATE, lr);
        return new TrialConfig("t", 1, 0, seed, p, t, probe);
    }
}
