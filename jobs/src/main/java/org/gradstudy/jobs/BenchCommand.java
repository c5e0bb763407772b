package org.gradstudy.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code gradstudy bench}: the performance benchmark (README, "Benchmarks"). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark: ms per training step with and without the probe, trial throughput on local[1] and local[2] "
                + "with the Spark efficiency, executor RSS over many trials, aggregation of a large warehouse, and the "
                + "PyTorch peer on identical shapes when python3 with torch is installed.",
                "Run it with OMP_NUM_THREADS=1 (bin/gradstudy sets it) on a machine nobody else is using: every section prints "
                        + "how many cores other processes used meanwhile."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--only", split = ",", paramLabel = "SECTION", converter = BenchJob.SectionConverter.class,
            description = "sections to run, comma-separated: steps, throughput, rss, aggregate, peer (default: all)")
    List<BenchJob.Section> only;

    @Option(names = "--quick", description = "tiny sizes for a smoke run (about a minute); the figures mean nothing")
    boolean quick;

    @Option(names = "--work", paramLabel = "DIR", description = "scratch directory for the warehouses (default: a new temporary directory, removed afterwards)")
    Path work;

    @Option(names = "--rows", paramLabel = "N", description = "layer_stats rows of the aggregate section (default: 10000000; --quick 200000)")
    Long rows;

    @Option(names = "--trials", paramLabel = "N", description = "trials of the throughput study (default: 500; --quick 40)")
    Integer trials;

    @Option(names = "--rss-trials", paramLabel = "N", description = "tiny trials of the rss section, 20 to 16000 (default: 2000; --quick 200)")
    Integer rssTrials;

    @Option(names = "--python", paramLabel = "CMD", description = "python3 with torch for the peer section (default: /usr/bin/python3, then python3 on the PATH)")
    String python;

    @Option(names = "--peer-script", paramLabel = "FILE", description = "the PyTorch peer (default: conf/bench/torch_peer.py, here or in the distribution)")
    Path peerScript;

    @Override
    public Integer call() throws Exception {
        Set<BenchJob.Section> sections = only == null || only.isEmpty() ? EnumSet.allOf(BenchJob.Section.class) : EnumSet.copyOf(only);
        BenchJob.Options o = BenchJob.Options.of(quick, sections, work, rows, trials, rssTrials, python, peerScript);
        BenchJob.run(o, System.out);
        return 0;
    }
}
