package org.gradstudy.study;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void axesThatDoNotApplyCollapseIntoOneTrial() {
        Expansion e = Expander.expand(study("axes { activation = [relu, leaky-relu], leaky-relu-slope = [0.01, 0.2, 0.3] }"));
        // relu x 3 slopes is one trial (slope n/a); leaky-relu keeps its 3.
        assertEquals(6, e.gridTrials());
        assertEquals(2, e.collapsed());
        assertEquals(4, e.trials().size());
        assertEquals(null, e.trials().get(0).leakyReluSlope());
        assertEquals(0.2, e.trials().get(2).leakyReluSlope());
    }

    @Test
    void excludeRulesRemoveWhatTheyMatchAndAreReported() {
        String text = """
                replicates = 2
                axes { activation = [relu, selu, tanh], init = [he-normal, lecun-normal, lecun-uniform] }
                exclude = [
                  { activation = selu, init = { not = [lecun-normal, lecun-uniform] } }
                  { activation = [tanh], init = [he-normal, lecun-uniform] }
                ]
                """;
        Expansion e = Expander.expand(study(text));
        assertEquals(18, e.gridTrials());
        assertEquals(12, e.trials().size());
        assertEquals(List.of(2L, 4L), List.copyOf(e.excluded().values()));
        assertEquals("""
                grid: 18 trials (axes x replicates)
                excluded: 2 trials by the rule at s.conf:4 {activation in [selu], init not in [lecun-normal, lecun-uniform]}
                excluded: 4 trials by the rule at s.conf:5 {activation in [tanh], init in [he-normal, lecun-uniform]}
                trials: 12
                """, e.report("s.conf"));
        assertTrue(e.trials().stream().noneMatch(t -> t.activation() == Activation.SELU && t.init() == Init.HE_NORMAL));
    }

    @Test
    void aResidualSpanLongerThanTheNetworkIsRefusedBeforeAnythingRuns() {
        StudyException ex = assertThrows(StudyException.class, () -> Expander.expand(study(
                "axes {\n  depth = [2, 3, 8]\n  residual-every = [0, 4]\n}")));
        assertEquals("s.conf:3: axes.residual-every: value 4 needs depth >= 5 (a skip spans 4 hidden layers after the first), "
                + "but axes.depth has [2, 3]; remove one of the values or add a rule to exclude, e.g. "
                + "{ residual-every = [4], depth = [2, 3] }", ex.getMessage());
        assertEquals(4, Expander.expand(study("axes { depth = [2, 3, 8], residual-every = [0, 4] }\n"
                + "exclude = [ { residual-every = 4, depth = [2, 3] } ]")).trials().size());
    }
}
