package io.mmq.examples.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.mmq.examples.bench.contenders.Contenders;
import io.mmq.examples.bench.harness.BenchPlan;
import io.mmq.examples.bench.harness.Contender;
import io.mmq.examples.bench.harness.CrossProcessBenchmark;
import io.mmq.examples.bench.harness.IdleMode;
import io.mmq.examples.cli.ByteSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mmq bench}: the cross-process benchmark harness; see {@link CrossProcessBenchmark}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    header = "Measure latency and throughput across processes: mmq beside Agrona, Aeron IPC and sockets.",
    description = {"Measure round-trip latency and one-way throughput across processes: mmq beside Agrona's",
        "ring buffer over a mapped file, Aeron IPC, Unix-domain sockets and TCP over loopback, with a C",
        "cache-line bounce and memcpy as references, in rounds: a row gives the medians over its rounds and its",
        "best round, and every target is judged on both. Writes results.md, .hgrm percentile files and SVG plots."})
public final class BenchCommand implements Callable<Integer>
{
    @Option(names = "--contenders", split = ",", defaultValue = "mmq,agrona,aeron,uds,tcp",
        description = "Which transports (default: ${DEFAULT-VALUE}).")
    List<String> contenders;

    @Option(names = "--sizes", split = ",", converter = ByteSize.class, defaultValue = "32,256,1k,64k",
        description = "Message sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--consumers", split = ",", defaultValue = "1,2,4",
        description = "Consumer counts of one-way runs; point-to-point transports run 1 (default: ${DEFAULT-VALUE}).")
    List<Integer> consumers;

    @Option(names = "--idle", split = ",", defaultValue = "busy-spin,yield,backoff,blocking",
        description = "Idle strategies (default: ${DEFAULT-VALUE}).")
    List<String> idles;

    @Option(names = "--kinds", split = ",", defaultValue = "latency,throughput",
        description = "latency (ping-pong), throughput (one-way), or both (default: ${DEFAULT-VALUE}).")
    List<String> kinds;

    @Option(names = "--warmup-ms", description = "Untimed warm-up per run (default: 1000; --quick: 100).")
    Long warmupMillis;

    @Option(names = "--duration-ms", description = "Measured time per run (default: 2000; --quick: 200).")
    Long durationMillis;

    @Option(names = "--rounds",
        description = {"Times each run is made, contenders taking turns, each round starting with the next one;",
            "a row reports the median over its rounds and its best round (default: 3; --quick: 1)."})
    Integer rounds;

    @Option(names = "--idle-window-ms",
        description = "Time the echoing process sits idle while its CPU is measured (default: 500; --quick: 100).")
    Long idleWindowMillis;

    @Option(names = "--bounce-round-trips",
        description = "Round trips of the C cache-line bounce (default: 2000000; --quick: 100000).")
    Long bounceRoundTrips;

    @Option(names = "--references", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Measure the C cache-line bounce and the memcpy reference (default: on).")
    boolean references;

    @Option(names = "--ring", converter = ByteSize.class, defaultValue = "1m",
        description = "Ring size of ring-based transports (default: ${DEFAULT-VALUE}).")
    int ringCapacity;

    @Option(names = "--results", defaultValue = "benchmark-results",
        description = "Where results.md, .hgrm files and plots go (default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--quick", description = "Short runs: for checking that everything works, not for numbers.")
    boolean quick;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final List<Contender> chosen = new ArrayList<>();
        for (final String name : contenders)
        {
            chosen.add(Contenders.named(name));
        }
        final List<IdleMode> modes = new ArrayList<>();
        for (final String idle : idles)
        {
            modes.add(IdleMode.ofLabel(idle));
        }
        for (final String kind : kinds)
        {
            if (!kind.equals("latency") && !kind.equals("throughput"))
            {
                throw new IllegalArgumentException("--kinds: unknown kind '" + kind + "'; known: latency, throughput");
            }
        }
        final int roundCount = null != rounds ? rounds : quick ? 1 : 3;
        final BenchPlan plan = new BenchPlan(chosen, sizes, consumers, modes, kinds.contains("latency"),
            kinds.contains("throughput"), references, choose(warmupMillis, 1000, 100), choose(durationMillis, 2000, 200),
            roundCount, choose(idleWindowMillis, 500, 100), choose(bounceRoundTrips, 2_000_000, 100_000), ringCapacity,
            results, "mmq " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        return new CrossProcessBenchmark(plan, spec.commandLine().getOut()).run();
    }

    private long choose(final Long given, final long normal, final long whenQuick)
    {
        return null != given ? given : quick ? whenQuick : normal;
    }
}
