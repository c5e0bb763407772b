package org.gradstudy.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingTest {
    static Study study(String text) { return StudyParser.parse(text, "s.conf", "s"); }

    static final String SPACE = """
            seed = 9
            replicates = 2
            axes {
              activation = [relu, tanh, sigmoid]
              learning-rate = { log-uniform = [1e-4, 1.0] }
              init = [scaled-normal]
              init-gain = { uniform = [0.25, 4.0] }
              depth = { int-log-uniform = [2, 128] }
            }
            """;

    @Test
    void randomAndSobolSamplesAreReproducibleDistinctAndInRange() {
        for (String method : List.of("random", "sobol")) {
            List<TrialConfig> a = Expander.expand(study("sampling = " + method + "\ntrials = 50\n" + SPACE)).trials();
            assertEquals(100, a.size(), "50 points x 2 replicates");
            assertEquals(a, Expander.expand(study("sampling = " + method + "\ntrials = 50\n" + SPACE)).trials(), "reproducible");
            assertEquals(100, new HashSet<>(a.stream().map(TrialConfig::trialId).toList()).size(), "no duplicate trials");
            for (TrialConfig t : a) {
                assertTrue(t.learningRate() >= 1e-4 && t.learningRate() <= 1.0);
                assertTrue(t.initGain() >= 0.25 && t.initGain() <= 4.0);
                assertTrue(t.depth() >= 2 && t.depth() <= 128);
            }
            Map<Activation, Long> perActivation = a.stream().collect(Collectors.groupingBy(TrialConfig::activation, Collectors.counting()));
            assertEquals(3, perActivation.size(), method + " covers every activation: " + perActivation);
            // Growing the sample keeps the first points (and so their trial ids).
            List<TrialConfig> grown = Expander.expand(study("sampling = " + method + "\ntrials = 80\n" + SPACE)).trials();
            assertEquals(a, grown.subList(0, 100));
        }
    }

    @Test
    void logUniformSpreadsOverDecades() {
        List<TrialConfig> t = Expander.expand(study("sampling = sobol\ntrials = 256\n" + SPACE)).trials();
        // Sobol points are evenly spread: a quarter of log10(lr) in [-4, 0] per decade, within a few points.
        long lowDecade = t.stream().filter(x -> x.learningRate() < 1e-3).count() / 2;
        assertEquals(64, lowDecade, 4);
    }

    @Test
    void duplicatesAreRedrawnAndATooSmallSpaceIsAnError() {
        Expansion e = Expander.expand(study("sampling = random\ntrials = 6\naxes { activation = [relu, tanh, sigmoid], depth = [2, 4] }"));
        assertEquals(6, e.trials().size());
        assertTrue(e.collapsed() > 0, "with 6 of 6 combinations some draws repeat");
        StudyException ex = assertThrows(StudyException.class,
                () -> Expander.expand(study("sampling = random\ntrials = 7\naxes { activation = [relu, tanh, sigmoid], depth = [2, 4] }")));
        assertTrue(ex.getMessage().startsWith("s.conf: trials: found only 6 distinct points in "), ex.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        axes { learning-rate = { log-uniform = [1e-4, 1.0] } }                    | s.conf:1: axes.learning-rate: a range needs sampling = random or sobol (or search = boundary); list values for a grid
        sampling = random                                                         | s.conf:1: trials: missing: sampling = random needs trials = N (points to draw)
        trials = 5                                                                | s.conf:1: trials: is only used with sampling = random or sobol
        sampling = lhs                                                            | s.conf:1: sampling: bad value 'lhs'; allowed: one of grid, random, sobol
        sampling = random\\ntrials = 5\\naxes { learning-rate = { normal = [0, 1] } } | s.conf:3: axes.learning-rate: unknown range 'normal'; allowed: uniform, log-uniform, int-uniform, int-log-uniform
        sampling = random\\ntrials = 5\\naxes { depth = { uniform = [2, 8] } }         | s.conf:3: axes.depth: an integer axis takes int-uniform or int-log-uniform, not uniform
        sampling = random\\ntrials = 5\\naxes { l2 = { log-uniform = [0, 1] } }        | s.conf:3: axes.l2: log-uniform needs low > 0, got 0
        sampling = random\\ntrials = 5\\naxes { init-gain = { uniform = [4, 1] } }     | s.conf:3: axes.init-gain: range low 4 must be below high 1
        sampling = random\\ntrials = 5\\naxes { depth = { int-uniform = [0, 8] } }     | s.conf:3: axes.depth: value 0 is out of range; allowed: an integer from 1 to 1024
        search = boundary                                                         | s.conf:1: boundary.axis: the searched axis init-gain must be declared as a range in axes, e.g. init-gain = { uniform = [0.25, 4.0] }
        search = sideways                                                         | s.conf:1: search: bad value 'sideways'; allowed: one of none, boundary
        boundary { axis = gain }                                                  | s.conf:1: boundary.axis: bad value 'gain'; allowed: an axis name: activation, leaky-relu-slope, init, init-gain, normalization, residual-every, depth, width, learning-rate, optimizer, clipping, clip-threshold, l2, input
        """)
    void badSamplingAndRangesAreNamed(String text, String expected) {
        String msg = assertThrows(StudyException.class, () -> study(text.replace("\\n", "\n"))).getMessage();
        assertEquals(expected, msg.lines().findFirst().orElseThrow());
    }
}
