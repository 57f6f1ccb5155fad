package io.mmq.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mmq.examples.bench.PretouchBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "pretouch-bench", mixinStandardHelpOptions = true,
    description = "Measure one-way latency across processes over a fresh ring, with and without pretouch.")
public final class PretouchBenchCommand implements Callable<Integer>
{
    @Option(names = "--rate", defaultValue = "20000", description = "Messages per second (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--results", defaultValue = "benchmark-results", description = "Where percentile files go (default: ${DEFAULT-VALUE}).")
    Path results;

    @Override
    public Integer call() throws Exception
    {
        return new PretouchBenchmark(rate, results).run();
    }
}
