package org.gradstudy.jobs;

import org.gradstudy.study.Expander;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's pieces that need no Spark: section names, study sizes, the RSS slope, the printed figures. */
class BenchJobTest {
    @Test
    void sectionsAreNamedInLowerCase() {
        BenchJob.SectionConverter c = new BenchJob.SectionConverter();
        assertEquals(BenchJob.Section.PEER, c.convert("peer"));
        assertEquals(BenchJob.Section.AGGREGATE, c.convert(" Aggregate"));
        assertEquals("unknown section 'stepz'; allowed: steps, throughput, rss, aggregate, peer",
                assertThrows(picocli.CommandLine.TypeConversionException.class, () -> c.convert("stepz")).getMessage());
    }

    @Test
    void studiesHaveTheAdvertisedSizes() {
        assertEquals(500, Expander.expand(BenchJob.parse(BenchJob.throughputStudy("t", 500, 30))).trials().size());
        // 80 grid points x 187 replicates x 21 recorded steps x 2 params x (depth + 1) layers: just over 10 million rows.
        var trials = Expander.expand(BenchJob.parse(BenchJob.aggregateStudy(10_000_000))).trials();
        long rows = trials.stream().mapToLong(t -> 21L * 2 * (t.depth() + 1)).sum();
        assertEquals(80 * 187, trials.size());
        assertTrue(rows >= 10_000_000 && rows < 10_100_000, "rows " + rows);
    }

    /** A printed figure never looks met when its check is missed: rounded toward missing, and exact when it is exact. */
    @Test
    void figuresAreRoundedTowardMissingTheirTargets() {
        assertEquals(1.79, BenchJob.shown(1.7996, 2, true));
        assertEquals(1.8, BenchJob.shown(1.8, 2, true));
        assertEquals(1.83, BenchJob.shown(1.8349, 2, true));
        assertEquals(89.9, BenchJob.shown(89.96, 1, true));
        assertEquals(10.1, BenchJob.shown(10.04, 1, false));
        assertEquals(10.0, BenchJob.shown(10.0, 1, false));
        assertEquals(2.0, BenchJob.shown(1.96, 1, false));
        assertEquals(-0.9, BenchJob.shown(-0.93, 1, false));
    }

    /** The slots of a run split by scheduler pool; what no task ran is the rest of wall x cores. */
    @Test
    void taskSlotsAreSplitByPool() {
        TaskSpan span = new TaskSpan();
        span.add(RunJob.Batches.TRIALS_POOL, 100_000);
        span.add(RunJob.Batches.TRIALS_POOL, 4_200);
        span.add(RunJob.Batches.COMMIT_POOL, 4_300);
        span.add("", 4_000);
        span.add("", 200);
        span.addTrialCpu(90_000_000_000L);
        span.addTrialCpu(3_050_000_000L);
        assertEquals("task slots (wall x cores = 118.0 s): trial tasks 104.2 s, 93.1 s of it on a core (0 tasks, 0 trials; their trials' wall_ms 100.5 s), "
                + "commits 4.3 s, reads and aggregation 4.2 s, no task 5.3 s", span.slots(59.0, 2, 100.5));
    }

    /**
     * A run whose local[1] trials took 244.6 s of CPU and whose local[2] ones took 227.6 s (the host faster during
     * the second) scaled 1.96x; at equal CPU per trial that is 1.96 x 227.6 / 244.6 = 1.824x.
     */
    @Test
    void scalingAtEqualTrialCpuTakesOutTheCoresSpeed() {
        assertEquals(1.96 * 227.6 / 244.6, BenchJob.atEqualCpu(1.96, 244.6 / 500, 227.6 / 500), 1e-12);
        assertEquals(1.8, BenchJob.atEqualCpu(1.8, 0.45, 0.45), 0);
    }

    @Test
    void slopeIsTheLeastSquaresFitOverTheSecondHalf() {
        List<long[]> samples = List.of(new long[] {0, 900}, new long[] {10, 100}, new long[] {20, 120}, new long[] {30, 140});
        assertEquals(2.0, BenchJob.slope(samples, 10, 1), 1e-12);
        assertEquals(0.0, BenchJob.slope(List.of(new long[] {5, 1}), 0, 1), 0);
    }
}
