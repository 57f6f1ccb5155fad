package io.mmq.examples.bench.harness;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * {@code results.md}: the machine and command, the latency and throughput tables, and every target of
 * the benchmark issue as a ratio measured in this run, met or missed. A row is the median over its
 * rounds ({@link LatencyRow}, {@link ThroughputRow}), beside its best round; every target is computed
 * twice, from the medians and from the best rounds, each with its verdict. Public so that the bench tests
 * can check a report made of made-up rows.
 */
public final class ResultsReport
{
    /** The name of the C baseline's row. */
    public static final String BOUNCE = "C cache-line bounce";

    private final BenchPlan plan;
    private final List<LatencyRow> latencies;
    private final List<ThroughputRow> throughputs;
    private final Map<Integer, Double> memcpyRates;
    private final List<String> failures;
    private final String machine;
    private final String loadAtStart;
    private final String loadAtEnd;
    private final StringBuilder out = new StringBuilder();

    public ResultsReport(final BenchPlan plan, final List<LatencyRow> latencies, final List<ThroughputRow> throughputs,
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

    public String markdown()
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
            "rounds (counts: their sum); the *rounds* column gives how many rounds, and their lowest and highest " +
            "p50 (latency) or rate (throughput); the *best round* column gives the row's best round alone, the " +
            "one with the lowest p50 (latency: its p50, p99 and p99.9) or the highest rate (throughput: its rate " +
            "in M msg/s and MB/s)", plan.rounds()));
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
            "rounds (p50 low to high) | best round p50 / p99 / p99.9 |");
        line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final LatencyRow row : latencies)
        {
            line(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                row.contender(), row.idle(), BOUNCE.equals(row.contender()) ? "one line" : Sizes.label(row.size()),
                row.roundTrips(), number(row.micros(50)), number(row.micros(90)), number(row.micros(99)),
                number(row.micros(99.9)), number(row.micros(99.99)), number(row.maxMicros()),
                Double.isNaN(row.idleCpuPercent()) ? "" : String.format(Locale.ROOT, "%.1f%%", row.idleCpuPercent()),
                rounds(row.roundCount(), number(row.lowestP50Micros()), number(row.highestP50Micros())),
                number(row.bestMicros(50)) + " / " + number(row.bestMicros(99)) + " / " + number(row.bestMicros(99.9))));
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
            "rounds (M msg/s low to high) | best round M msg/s / MB/s |");
        line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final Map.Entry<Integer, Double> memcpy : memcpyRates.entrySet())
        {
            line(String.format(Locale.ROOT, "| memcpy (one thread) | | %s | | | | %.2f | %,.0f | | | |",
                Sizes.label(memcpy.getKey()), memcpy.getValue() / 1e6, memcpy.getValue() * memcpy.getKey() / 1e6));
        }
        for (final ThroughputRow row : throughputs)
        {
            final String spread = rounds(row.roundCount(), String.format(Locale.ROOT, "%.2f", row.lowestRate() / 1e6),
                String.format(Locale.ROOT, "%.2f", row.highestRate() / 1e6));
            final ThroughputResult best = row.bestRound();
            line(String.format(Locale.ROOT, "| %s | %s | %s | %d%s | %,d | %,d | %.2f | %,.0f | %.2f | %s | %.2f / %,.0f |",
                row.contender(), row.idle(), Sizes.label(row.size()), row.consumers(),
                row.pointToPoint() ? " (p2p)" : "", row.sent(), row.leastReceived(), row.slowestRate() / 1e6,
                row.bytesPerSecond() / 1e6, row.producerRate() / 1e6, spread, best.slowestRate() / 1e6,
                best.bytesPerSecond() / 1e6));
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
     * Which figures of a row a target compares: the medians over its rounds, or its best round alone.
     */
    private enum Basis
    {
        MEDIAN, BEST;

        double micros(final LatencyRow row, final double percentile)
        {
            return this == MEDIAN ? row.micros(percentile) : row.bestMicros(percentile);
        }

        double idleCpuPercent(final LatencyRow row)
        {
            return this == MEDIAN ? row.idleCpuPercent() : row.bestIdleCpuPercent();
        }

        double rate(final ThroughputRow row)
        {
            return this == MEDIAN ? row.slowestRate() : row.bestRound().slowestRate();
        }

        double producerRate(final ThroughputRow row)
        {
            return this == MEDIAN ? row.producerRate() : row.bestRound().producerRate();
        }
    }

    /**
     * The targets, each as a ratio of two numbers from this run, computed twice: from the rows'
     * medians and from their best rounds, each with its verdict.
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
                        trim(percentile), Sizes.label(size)), basis -> basis.micros(mmq.get(), percentile),
                        basis -> basis.micros(agrona.get(), percentile), "us", "<= 1.00", 1.0, true);
                }
            }
        }
        final Optional<LatencyRow> bounce = latencies.stream().filter(r -> BOUNCE.equals(r.contender())).findFirst();
        final Optional<LatencyRow> mmqSmallest = latency("mmq", IdleMode.BUSY_SPIN, smallest);
        if (bounce.isPresent() && mmqSmallest.isPresent())
        {
            ratio(rows, "round trip p50, " + Sizes.label(smallest) + ", busy-spin: mmq / C cache-line bounce",
                basis -> basis.micros(mmqSmallest.get(), 50), basis -> basis.micros(bounce.get(), 50), "us", "<= 1.30",
                1.3, true);
        }
        final Optional<ThroughputRow> mmq32 = throughput("mmq", IdleMode.BUSY_SPIN, 32, 1);
        final Optional<ThroughputRow> agrona32 = throughput("agrona", IdleMode.BUSY_SPIN, 32, 1);
        if (mmq32.isPresent() && agrona32.isPresent())
        {
            ratio(rows, "one-way 32 B, busy-spin, 1 consumer: mmq / agrona", basis -> basis.rate(mmq32.get()) / 1e6,
                basis -> basis.rate(agrona32.get()) / 1e6, "M msg/s", ">= 1.00", 1.0, false);
        }
        for (final int size : plan.sizes())
        {
            final Optional<ThroughputRow> mmq = throughput("mmq", IdleMode.BUSY_SPIN, size, 1);
            if (size >= 1024 && mmq.isPresent() && memcpyRates.containsKey(size))
            {
                // memcpy is measured once, not in rounds: both ratios divide by the same number.
                final double memcpy = memcpyRates.get(size) * size / 1e6;
                ratio(rows, "one-way " + Sizes.label(size) + ", busy-spin, 1 consumer: mmq / memcpy",
                    basis -> basis.rate(mmq.get()) * size / 1e6, basis -> memcpy, "MB/s", ">= 1.00", 1.0, false);
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
                    rows.append(String.format(Locale.ROOT, "| producer cost of each extra consumer, %s, %s: " +
                        "%d consumers vs 1 | < 10%% |", Sizes.label(smallest), idle, consumers));
                    for (final Basis basis : Basis.values())
                    {
                        final double kept = basis.producerRate(more.get()) / basis.producerRate(one.get());
                        final double costEach = 1 - Math.pow(kept, 1.0 / (consumers - 1));
                        rows.append(String.format(Locale.ROOT, " %.2f vs %.2f M msg/s: %.1f%% each | %s |",
                            basis.producerRate(more.get()) / 1e6, basis.producerRate(one.get()) / 1e6, 100 * costEach,
                            verdict(costEach < 0.10)));
                    }
                    rows.append('\n');
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
                    basis -> basis.micros(mmq.get(), 50), basis -> basis.micros(uds.get(), 50), "us", "<= 1.00", 1.0,
                    true);
            }
            if (mmq.isPresent() && !Double.isNaN(mmq.get().idleCpuPercent()))
            {
                rows.append(String.format(Locale.ROOT, "| CPU of a blocked mmq consumer with nothing to read, %s | " +
                    "< 1%% |", Sizes.label(size)));
                for (final Basis basis : Basis.values())
                {
                    final double percent = basis.idleCpuPercent(mmq.get());
                    rows.append(String.format(Locale.ROOT, " %.1f%% of a core | %s |", percent, verdict(percent < 1.0)));
                }
                rows.append('\n');
            }
        }
        if (rows.length() > 0)
        {
            line("");
            line("## Against the targets");
            line("");
            line("Each target as a ratio of two numbers measured in this run, computed twice, each with its " +
                "verdict: from the rows' medians over their rounds, and from each row's best round alone (the " +
                "lowest p50 of a latency row, with that round's p99 and p99.9; the highest rate of a throughput " +
                "row, with that round's producer rate). Why both: a machine can slow a round down (another " +
                "process, a slow spell of the host) but never speed it up, so a contender's best round is the " +
                "fairest estimate of what its code can do, while the median of a few rounds can be a vote " +
                "between a machine's speeds (docs/benchmarks.md, \"This machine has two speeds\"). The medians show " +
                "what a run typically meets, the best rounds what the code does when nothing gets in its way; " +
                "where the two verdicts differ, suspect the machine before the code. A best round's p99 and " +
                "p99.9 are that one round's, chosen by its p50: a tail from one round is noisier than the " +
                "median's. The C bounce and memcpy are measured once, so both ratios divide by the same reference.");
            line("");
            line("| target | goal | measured (medians) | median | measured (best rounds) | best round |");
            line("|---|---|---|---|---|---|");
            out.append(rows);
        }
    }

    private static void ratio(final StringBuilder rows, final String what, final ToDoubleFunction<Basis> ours,
        final ToDoubleFunction<Basis> theirs, final String unit, final String goal, final double bound,
        final boolean atMost)
    {
        rows.append("| ").append(what).append(" | ").append(goal).append(" |");
        for (final Basis basis : Basis.values())
        {
            final double ourValue = ours.applyAsDouble(basis);
            final double theirValue = theirs.applyAsDouble(basis);
            final double ratio = ourValue / theirValue;
            final boolean met = atMost ? ratio <= bound : ratio >= bound;
            // Three decimals: the verdict is on the unrounded ratio, so 1.001 must not read as 1.00.
            rows.append(String.format(Locale.ROOT, " %s / %s %s = %.3f | %s |", number(ourValue), number(theirValue),
                unit, ratio, verdict(met)));
        }
        rows.append('\n');
    }

    private static String verdict(final boolean met)
    {
        return met ? "met" : "missed";
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
