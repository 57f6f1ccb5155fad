package io.mmq.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mmq.examples.bench.FlushCostBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "flush-bench", mixinStandardHelpOptions = true,
    description = "Measure what each flush policy costs a producer, on tmpfs and on a disk.")
public final class FlushBenchCommand implements Callable<Integer>
{
    @Option(names = "--messages", defaultValue = "2000000", description = "Messages per policy (default: ${DEFAULT-VALUE}).")
    long messages;

    @Option(names = "--disk-dir", defaultValue = "target", description = "A directory on a real disk (default: ${DEFAULT-VALUE}).")
    Path diskDirectory;

    @Option(names = "--results", defaultValue = "benchmark-results", description = "Where percentile files go (default: ${DEFAULT-VALUE}).")
    Path results;

    @Override
    public Integer call() throws Exception
    {
        return new FlushCostBenchmark(messages, diskDirectory, results).run();
    }
}
