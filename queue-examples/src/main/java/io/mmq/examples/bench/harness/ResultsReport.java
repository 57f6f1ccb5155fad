package io.mmq.examples.bench.harness;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code results.md}: the machine and command, the latency and throughput tables, and every target of
 * the benchmark issue as a ratio measured in this run, met or missed. A row is the median over its
 * rounds ({@link LatencyRow}, {@link ThroughputRow}), and so is every number a target compares.
 */
final class ResultsReport
{
    /** The name of the C baseline's row. */
    static final String BOUNCE = "C cache-line bounce";

    private final BenchPlan plan;
    private final List<LatencyRow> latencies;
    private final List<ThroughputRow> throughputs;
    private final Map<Integer, Double> memcpyRates;
    private final List<String> failures;
    private final String machine;
    private final String loadAtStart;
    private final String loadAtEnd;
    private final StringBuilder out = new StringBuilder();

    ResultsReport(final BenchPlan plan, final List<LatencyRow> latencies, final List<ThroughputRow> throughputs,
        final Map<Integer, Double> memcpyRates, final List<String> failures, final String machine,
        final String loadAtStart, final String loadAtEnd)
    {
        this.plan = plan;
        this.latencies = latencies;
        this.throughputs = throughputs;
        this.memcpyRates = memcpyRates;
        this.failures = failures;
        this.machine = machine;
        this.loadAtStart = loadAtStart;
        this.loadAtEnd = loadAtEnd;
    }

    static String percentileFileName(final LatencyRow row)
    {
        return BOUNCE.equals(row.contender()) ? "latency-c-cacheline-bounce.hgrm" :
            "latency-" + row.contender() + "-" + row.idle().label() + "-" + Sizes.fileLabel(row.size()) + ".hgrm";
    }

    String markdown()
    {
        line("# mmq bench results");
        line("");
        line("- Machine: " + machine);
        line("- Load average (1, 5, 15 min): " + loadAtStart + " at the start, " + loadAtEnd + " at the end");
        line("- Command: `" + plan.command() + "`");
        line(String.format(Locale.ROOT, "- Each run: %d ms warm-up, then %d ms measured; rings of %d KiB; " +
            "every role is a JVM of its own", plan.warmupMillis(), plan.durationMillis(), plan.ringCapacity() >> 10));
        line(String.format(Locale.ROOT, "- Rounds: %d of each run, the contenders of a size and idle strategy taking " +
            "turns, each round starting with the next contender. Every number in a row is the median over its " +
            "rounds (counts: their sum); the last column gives how many rounds, and their lowest and highest p50 " +
            "(latency) or rate (throughput)", plan.rounds()));
        if (!latencies.isEmpty())
        {
            latencyTable();
        }
        if (!throughputs.isEmpty() || !memcpyRates.isEmpty())
        {
            throughputTable();
        }
        targets();
        if (!failures.isEmpty())
        {
            line("");
            line("## Failed runs");
            line("");
            failures.forEach(failure -> line("- " + failure));
        }
        return out.toString();
    }

    private void latencyTable()
    {
        line("");
        line("## Round-trip latency");
        line("");
        line("Ping-pong between two processes, one message in flight, the same size each way, in microseconds. " +
            "The last column is the CPU time the echoing thread used during " + plan.idleWindowMillis() +
            " ms with nothing to echo, in percent of one core: what its way of waiting costs when idle.");
        line("");
        line("| contender | idle | size | round trips | p50 | p90 | p99 | p99.9 | p99.99 | max | idle CPU | " +
            "rounds (p50 low to high) |");
        line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final LatencyRow row : latencies)
        {
            line(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %s | %s | %s | %s | %s | %s | %s | %s |",
                row.contender(), row.idle(), BOUNCE.equals(row.contender()) ? "one line" : Sizes.label(row.size()),
                row.roundTrips(), number(row.micros(50)), number(row.micros(90)), number(row.micros(99)),
                number(row.micros(99.9)), number(row.micros(99.99)), number(row.maxMicros()),
                Double.isNaN(row.idleCpuPercent()) ? "" : String.format(Locale.ROOT, "%.1f%%", row.idleCpuPercent()),
                rounds(row.roundCount(), number(row.lowestP50Micros()), number(row.highestP50Micros()))));
        }
    }

    private void throughputTable()
    {
        line("");
        line("## One-way throughput");
        line("");
        line("One producer and N consumers, each its own process; every consumer receives every message and " +
            "checks the sequence. The rate is the slowest consumer's over the measured phase. Point-to-point " +
            "contenders (marked p2p) have one consumer only. Sockets send one `write` per message. The memcpy " +
            "rows are one thread copying messages into a ring-sized region: the speed of moving every byte once.");
        line("");
        line("| contender | idle | size | consumers | sent | received by each | M msg/s | MB/s | producer M msg/s | " +
            "rounds (M msg/s low to high) |");
        line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final Map.Entry<Integer, Double> memcpy : memcpyRates.entrySet())
        {
            line(String.format(Locale.ROOT, "| memcpy (one thread) | | %s | | | | %.2f | %,.0f | | |",
                Sizes.label(memcpy.getKey()), memcpy.getValue() / 1e6, memcpy.getValue() * memcpy.getKey() / 1e6));
        }
        for (final ThroughputRow row : throughputs)
        {
            final String spread = rounds(row.roundCount(), String.format(Locale.ROOT, "%.2f", row.lowestRate() / 1e6),
                String.format(Locale.ROOT, "%.2f", row.highestRate() / 1e6));
            line(String.format(Locale.ROOT, "| %s | %s | %s | %d%s | %,d | %,d | %.2f | %,.0f | %.2f | %s |",
                row.contender(), row.idle(), Sizes.label(row.size()), row.consumers(),
                row.pointToPoint() ? " (p2p)" : "", row.sent(), row.leastReceived(), row.slowestRate() / 1e6,
                row.bytesPerSecond() / 1e6, row.producerRate() / 1e6, spread));
        }
    }

    /**
     * @return the rounds column: how many rounds a row is the median of, and their lowest and highest value.
     */
    private static String rounds(final int count, final String lowest, final String highest)
    {
        return count == 1 ? "1" : count + " (" + lowest + " to " + highest + ")";
    }

    /**
     * The targets, each as a ratio of two numbers from this run.
     */
    private void targets()
    {
        final StringBuilder rows = new StringBuilder();
        final int smallest = plan.sizes().stream().min(Integer::compare).orElse(32);
        for (final int size : plan.sizes())
        {
            final Optional<LatencyRow> mmq = latency("mmq", IdleMode.BUSY_SPIN, size);
            final Optional<LatencyRow> agrona = latency("agrona", IdleMode.BUSY_SPIN, size);
            if (mmq.isPresent() && agrona.isPresent())
            {
                for (final double percentile : new double[] {50, 99, 99.9})
                {
                    ratio(rows, String.format(Locale.ROOT, "round trip p%s, %s, busy-spin: mmq / agrona",
                        trim(percentile), Sizes.label(size)), mmq.get().micros(percentile), agrona.get().micros(percentile),
                        "us", "<= 1.00", 1.0, true);
                }
            }
        }
        final Optional<LatencyRow> bounce = latencies.stream().filter(r -> BOUNCE.equals(r.contender())).findFirst();
        final Optional<LatencyRow> mmqSmallest = latency("mmq", IdleMode.BUSY_SPIN, smallest);
        if (bounce.isPresent() && mmqSmallest.isPresent())
        {
            ratio(rows, "round trip p50, " + Sizes.label(smallest) + ", busy-spin: mmq / C cache-line bounce",
                mmqSmallest.get().micros(50), bounce.get().micros(50), "us", "<= 1.30", 1.3, true);
        }
        final Optional<ThroughputRow> mmq32 = throughput("mmq", IdleMode.BUSY_SPIN, 32, 1);
        final Optional<ThroughputRow> agrona32 = throughput("agrona", IdleMode.BUSY_SPIN, 32, 1);
        if (mmq32.isPresent() && agrona32.isPresent())
        {
            ratio(rows, "one-way 32 B, busy-spin, 1 consumer: mmq / agrona", mmq32.get().slowestRate() / 1e6,
                agrona32.get().slowestRate() / 1e6, "M msg/s", ">= 1.00", 1.0, false);
        }
        for (final int size : plan.sizes())
        {
            final Optional<ThroughputRow> mmq = throughput("mmq", IdleMode.BUSY_SPIN, size, 1);
            if (size >= 1024 && mmq.isPresent() && memcpyRates.containsKey(size))
            {
                ratio(rows, "one-way " + Sizes.label(size) + ", busy-spin, 1 consumer: mmq / memcpy",
                    mmq.get().bytesPerSecond() / 1e6, memcpyRates.get(size) * size / 1e6, "MB/s", ">= 1.00", 1.0, false);
            }
        }
        for (final IdleMode idle : plan.idles())
        {
            final Optional<ThroughputRow> one = throughput("mmq", idle, smallest, 1);
            for (final int consumers : plan.consumers())
            {
                final Optional<ThroughputRow> more = throughput("mmq", idle, smallest, consumers);
                if (consumers > 1 && one.isPresent() && more.isPresent())
                {
                    final double kept = more.get().producerRate() / one.get().producerRate();
                    final double costEach = 1 - Math.pow(kept, 1.0 / (consumers - 1));
                    rows.append(String.format(Locale.ROOT,
                        "| producer cost of each extra consumer, %s, %s: %d consumers vs 1 | %.2f vs %.2f M msg/s: %.1f%% each | < 10%% | %s |%n",
                        Sizes.label(smallest), idle, consumers, more.get().producerRate() / 1e6,
                        one.get().producerRate() / 1e6, 100 * costEach, costEach < 0.10 ? "met" : "missed"));
                }
            }
        }
        for (final int size : plan.sizes())
        {
            final Optional<LatencyRow> mmq = latency("mmq", IdleMode.BLOCKING, size);
            final Optional<LatencyRow> uds = latency("uds", IdleMode.BLOCKING, size);
            if (mmq.isPresent() && uds.isPresent())
            {
                ratio(rows, "round trip p50, " + Sizes.label(size) + ", blocking: mmq / Unix socket",
                    mmq.get().micros(50), uds.get().micros(50), "us", "<= 1.00", 1.0, true);
            }
            if (mmq.isPresent() && !Double.isNaN(mmq.get().idleCpuPercent()))
            {
                rows.append(String.format(Locale.ROOT, "| CPU of a blocked mmq consumer with nothing to read, %s | %.1f%% of a core | < 1%% | %s |%n",
                    Sizes.label(size), mmq.get().idleCpuPercent(), mmq.get().idleCpuPercent() < 1.0 ? "met" : "missed"));
            }
        }
        if (rows.length() > 0)
        {
            line("");
            line("## Against the targets");
            line("");
            line("Each target as a ratio of two numbers measured in this run, each the median over its rounds.");
            line("");
            line("| target | measured | goal | verdict |");
            line("|---|---|---|---|");
            out.append(rows);
        }
    }

    private static void ratio(final StringBuilder rows, final String what, final double ours, final double theirs,
        final String unit, final String goal, final double bound, final boolean atMost)
    {
        final double ratio = ours / theirs;
        final boolean met = atMost ? ratio <= bound : ratio >= bound;
        // Three decimals: the verdict is on the unrounded ratio, so 1.001 must not read as 1.00.
        rows.append(String.format(Locale.ROOT, "| %s | %s / %s %s = %.3f | %s | %s |%n",
            what, number(ours), number(theirs), unit, ratio, goal, met ? "met" : "missed"));
    }

    private Optional<LatencyRow> latency(final String contender, final IdleMode idle, final int size)
    {
        return latencies.stream()
            .filter(r -> r.contender().equals(contender) && r.idle() == idle && r.size() == size).findFirst();
    }

    private Optional<ThroughputRow> throughput(final String contender, final IdleMode idle, final int size,
        final int consumers)
    {
        return throughputs.stream().filter(r -> r.contender().equals(contender) && r.idle() == idle &&
            r.size() == size && r.consumers() == consumers).findFirst();
    }

    private static String number(final double value)
    {
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : value < 1000 ? "%.1f" : "%,.0f", value);
    }

    private static String trim(final double value)
    {
        return value == Math.rint(value) ? Long.toString((long)value) : Double.toString(value);
    }

    private void line(final String text)
    {
        out.append(text).append('\n');
    }
}
