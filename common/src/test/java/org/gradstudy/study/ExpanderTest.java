package org.gradstudy.study;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ExpanderTest {
    static Study study(String text) { return StudyParser.parse(text, "s.conf", "s"); }

    @Test
    void expandsTheGridTimesReplicatesInADeterministicOrder() {
        Study s = study("axes { activation = [relu, tanh], depth = [2, 4, 8], init = [he-normal] }\nreplicates = 3");
        List<TrialConfig> trials = Expander.expand(s).trials();
        assertEquals(18, trials.size());
        // Axis order (activation, init, depth, ...), the last axis fastest, replicates innermost.
        assertEquals(Activation.RELU, trials.get(0).activation());
        assertEquals(2, trials.get(0).depth());
        assertEquals(List.of(0, 1, 2), trials.subList(0, 3).stream().map(TrialConfig::replicate).toList());
        assertEquals(4, trials.get(3).depth());
        assertEquals(Activation.TANH, trials.get(9).activation());
        assertEquals(18, new HashSet<>(trials.stream().map(TrialConfig::trialId).toList()).size());
        assertEquals(trials, Expander.expand(study("axes { activation = [relu, tanh], depth = [2, 4, 8], init = [he-normal] }\nreplicates = 3")).trials());
    }

    @Test
    void trialIdsAreStableHashesOfTheCanonicalConfig() {
        TrialConfig t = Expander.expand(study("seed = 42\naxes { activation = [tanh], depth = [4] }")).trials().get(0);
        assertEquals("v2|activation=tanh|leaky-relu-slope=n/a|init=xavier-normal|init-gain=n/a|normalization=none"
                + "|residual-every=0|depth=4|width=64|learning-rate=0.01|optimizer=sgd|clipping=none|clip-threshold=n/a"
                + "|l2=0.0|input=standardized|replicate=0|study-seed=42|steps=200|batch-size=64|dataset=spirals"
                + "|samples=2048|classes=3|input-dim=2|test-fraction=0.2|precision=double|small-std=0.01|large-std=1.0"
                + "|probe-every=10", t.canonical());
        // Pinned: an id that changes silently would make resumed studies rerun everything.
        assertEquals("ca1bc62dfb4c87aa", t.trialId());
        // The study name is not part of the id; the study seed and every setting are.
        assertEquals(t.trialId(), Expander.expand(study("name = other\nseed = 42\naxes { activation = [tanh], depth = [4] }")).trials().get(0).trialId());
        assertNotEquals(t.trialId(), Expander.expand(study("seed = 43\naxes { activation = [tanh], depth = [4] }")).trials().get(0).trialId());
        assertNotEquals(t.trialId(), Expander.expand(study("seed = 42\ntraining.steps = 201\naxes { activation = [tanh], depth = [4] }")).trials().get(0).trialId());
    }

    @Test
    void seedsDependOnStudySeedAndReplicateOnly() {
        List<TrialConfig> trials = Expander.expand(study("seed = 7\nreplicates = 2\naxes { activation = [relu, tanh] }")).trials();
        assertEquals(trials.get(0).seed(), trials.get(2).seed(), "twins differing only in activation share a seed");
        assertNotEquals(trials.get(0).seed(), trials.get(1).seed(), "replicates differ");
        assertEquals(TrialConfig.seedFor(7, 1), trials.get(1).seed());
        assertNotEquals(TrialConfig.seedFor(8, 1), trials.get(1).seed());
    }
}
