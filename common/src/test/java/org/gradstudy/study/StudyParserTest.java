package org.gradstudy.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StudyParserTest {
    static Study parse(String text) { return StudyParser.parse(text, "s.conf", "s"); }

    static String error(String text) {
        return assertThrows(StudyException.class, () -> parse(text)).getMessage();
    }

    @Test
    void parsesTheQuickStudy() {
        Study s = StudyParser.parse(Path.of("../conf/studies/quick.conf"));
        assertEquals("quick", s.name());
        assertEquals(42, s.seed());
        assertEquals(2, s.replicates());
        assertEquals(List.of(Activation.RELU, Activation.TANH, Activation.SIGMOID), s.axes().get(Axis.ACTIVATION));
        assertEquals(List.of(Init.XAVIER_NORMAL, Init.HE_NORMAL), s.axes().get(Axis.INIT));
        assertEquals(List.of(2, 16), s.axes().get(Axis.DEPTH));
        assertEquals(List.of(0.05), s.axes().get(Axis.LEARNING_RATE));
        assertEquals(Training.synthetic(150, 64, DatasetKind.SPIRALS, 2048, 3, 16, 0.2, Precision.DOUBLE), s.training());
        assertEquals(10, s.probe().every());
        assertEquals(24, s.trialCount());
    }

    @Test
    void defaultsFillEverythingLeftOut() {
        Study s = parse("");
        assertEquals("s", s.name());
        assertEquals(1, s.seed());
        assertEquals(1, s.trialCount());
        assertEquals(List.of(Activation.RELU), s.axes().get(Axis.ACTIVATION));
        assertEquals(List.of(8), s.axes().get(Axis.DEPTH));
        assertEquals(List.of(64), s.axes().get(Axis.WIDTH));
        assertEquals(Training.synthetic(200, 64, DatasetKind.SPIRALS, 2048, 3, 16, 0.2, Precision.DOUBLE), s.training());
        assertEquals(10, s.probe().every());
    }

    @Test
    void aScalarIsAOneValueAxisAndDottedKeysWork() {
        Study s = parse("axes.depth = 4\ntraining.steps = 3\naxes.activation = leaky-relu");
        assertEquals(List.of(4), s.axes().get(Axis.DEPTH));
        assertEquals(List.of(Activation.LEAKY_RELU), s.axes().get(Axis.ACTIVATION));
        assertEquals(3, s.training().steps());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        axes { activaton = [relu] }               | s.conf:1: axes.activaton: unknown key (did you mean 'axes.activation'?); allowed here: activation, leaky-relu-slope, init, init-gain, normalization, residual-every, depth, width, learning-rate, optimizer, clipping, clip-threshold, l2, input
        learing-rate = 0.1                        | s.conf:1: learing-rate: unknown key; allowed here: name, seed, replicates, sampling, trials, search, axes, exclude, boundary, training, init, probe, analysis
        replicate = 3                             | s.conf:1: replicate: unknown key (did you mean 'replicates'?); allowed here: name, seed, replicates, sampling, trials, search, axes, exclude, boundary, training, init, probe, analysis
        training { step = 3 }                     | s.conf:1: training.step: unknown key (did you mean 'training.steps'?); allowed here: batch-size, classes, dataset, file, input-dim, label-column, precision, samples, steps, test-fraction
        axes { activation = [relu6] }             | s.conf:1: axes.activation: unknown value 'relu6' (did you mean 'relu'?); allowed: one of sigmoid, tanh, relu, leaky-relu, prelu, rrelu, elu, selu, identity
        axes { init = [glorot] }                  | s.conf:1: axes.init: unknown value 'glorot'; allowed: one of zero, small-normal, large-normal, xavier-normal, xavier-uniform, he-normal, he-uniform, lecun-normal, lecun-uniform, scaled-normal
        axes { depth = [] }                       | s.conf:1: axes.depth: is empty; give at least one value (an integer from 1 to 1024)
        axes { depth = [-3] }                     | s.conf:1: axes.depth: value -3 is out of range; allowed: an integer from 1 to 1024
        axes { depth = [eight] }                  | s.conf:1: axes.depth: expected an integer, got 'eight'; allowed: an integer from 1 to 1024
        axes { depth = [2.5] }                    | s.conf:1: axes.depth: expected an integer, got 2.5; allowed: an integer from 1 to 1024
        axes { depth = [4, 4] }                   | s.conf:1: axes.depth: value 4 is listed twice
        axes { learning-rate = [0] }              | s.conf:1: axes.learning-rate: value 0 is out of range; allowed: a number > 0 and <= 100
        axes { learning-rate = [fast] }           | s.conf:1: axes.learning-rate: expected a number, got 'fast'; allowed: a number > 0 and <= 100
        axes { optimizer = [7] }                  | s.conf:1: axes.optimizer: expected a name, got 7; allowed: one of sgd, momentum, adam
        axes { width = { a = 1 } }                | s.conf:1: axes.width: unknown range 'a'; allowed: uniform, log-uniform, int-uniform, int-log-uniform
        axes = [relu]                             | s.conf:1: axes: expected a section { ... }, got a list
        replicates = 0                            | s.conf:1: replicates: bad value 0; allowed: an integer from 1 to 1000
        seed = abc                                | s.conf:1: seed: bad value 'abc'; allowed: an integer
        name = "a b"                              | s.conf:1: name: bad value 'a b'; allowed: letters, digits, '-' and '_' (1 to 64 characters)
        training { dataset = mnist }              | s.conf:1: training.dataset: bad value 'mnist'; allowed: one of spirals, teacher, blobs, parity, file
        training { test-fraction = 1.5 }          | s.conf:1: training.test-fraction: bad value 1.5; allowed: a number > 0 and < 1
        training { precision = half }             | s.conf:1: training.precision: bad value 'half'; allowed: one of float, double
        probe { every = 0 }                       | s.conf:1: probe.every: bad value 0; allowed: an integer from 1 to 10000000
        exclude = { activation = relu }           | s.conf:1: exclude: expected a list of rules like [ { activation = [selu], init = { not = [lecun-normal] } } ], got a section
        exclude = [ { activaton = relu } ]        | s.conf:1: exclude.activaton: unknown key (did you mean 'exclude.activation'?); allowed here: activation, leaky-relu-slope, init, init-gain, normalization, residual-every, depth, width, learning-rate, optimizer, clipping, clip-threshold, l2, input
        exclude = [ { init = { but = [zero] } } ] | s.conf:1: exclude.init: expected a value, a list, or { not = [values] }
        exclude = [ {} ]                          | s.conf:1: exclude: each rule is a non-empty { axis = [values] } section, got a section
        axes { normalization = [batchnorm] }      | s.conf:1: axes.normalization: unknown value 'batchnorm'; allowed: one of none, batchnorm-before, batchnorm-after
        axes { clipping = [global] }              | s.conf:1: axes.clipping: unknown value 'global' (did you mean 'global-l2'?); allowed: one of none, global-l2, layer-l2, value
        axes { residual-every = [-1] }            | s.conf:1: axes.residual-every: value -1 is out of range; allowed: an integer from 0 to 1024
        axes { l2 = [-0.1] }                      | s.conf:1: axes.l2: value -0.1 is out of range; allowed: a number >= 0 and <= 10
        axes { init-gain = [0] }                  | s.conf:1: axes.init-gain: value 0 is out of range; allowed: a number > 0 and <= 100
        axes { input = [normalized] }             | s.conf:1: axes.input: unknown value 'normalized'; allowed: one of standardized, raw
        init { small-std = -1 }                   | s.conf:1: init.small-std: bad value -1; allowed: a number > 0
        training { dataset = file }               | s.conf:1: training.file: missing: training.dataset = file needs training.file = "path/to/data.parquet" (or .csv)
        training { file = x.csv }                 | s.conf:1: training.file: is only used with training.dataset = file
        training { dataset = file, file = nope.parquet } | s.conf:1: training.file: file not found: NOPE
        training { batch-size = 2000 }            | s.conf:1: training.batch-size: batch size 2000 is larger than the 1638 training examples (training.samples x (1 - training.test-fraction)); lower training.batch-size or raise training.samples
        """)
    void rejectsBadStudiesNamingFileLineKeyValueAndWhatIsAllowed(String text, String expected) {
        assertEquals(expected.replace("NOPE", Path.of("nope.parquet").toAbsolutePath().toString()), error(text));
    }

    @Test
    void reportsEveryProblemWithItsOwnLine() {
        String msg = error("name = ok\naxes {\n  depth = [0]\n  activation = [foo]\n}\n");
        assertEquals("s.conf:3: axes.depth: value 0 is out of range; allowed: an integer from 1 to 1024\n"
                + "s.conf:4: axes.activation: unknown value 'foo'; allowed: one of sigmoid, tanh, relu, leaky-relu, prelu, rrelu, elu, selu, identity",
                msg);
    }

    @Test
    void syntaxErrorsNameTheLine() {
        String msg = error("name = x\naxes {\n depth = [2,\n");
        assertEquals(true, msg.startsWith("s.conf:4: syntax error: "), msg);
    }

    @Test
    void refusesHugeStudies() {
        String msg = error("axes { depth = [1,2,3,4,5,6,7,8,9,10], width = [1,2,3,4,5,6,7,8,9,10] }\nreplicates = 1000\n"
                + "axes.learning-rate = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]");
        assertEquals("s.conf: axes: the study expands to 1100000 trials, more than the limit of 1000000; split it into smaller studies", msg);
    }

    @Test
    void missingFileIsNamed() {
        StudyException e = assertThrows(StudyException.class, () -> StudyParser.parse(Path.of("no/such.conf")));
        assertEquals("no/such.conf: study file not found", e.getMessage());
    }
}
