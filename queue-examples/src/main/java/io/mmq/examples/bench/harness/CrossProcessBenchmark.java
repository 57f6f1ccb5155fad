package io.mmq.examples.bench.harness;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.mmq.examples.bench.roles.BenchRoleCommand;
import io.mmq.examples.demo.ChildProcess;
import org.HdrHistogram.Histogram;

/**
 * {@code mmq bench}: every contender measured side by side in one run, each role in a JVM of its own.
 * Ping-pong runs measure round-trip latency with one message in flight; one-way runs measure how many
 * messages per second a producer gets to 1 to N consumers. Every run checks that what was received is
 * what was sent. Every run is made {@link BenchPlan#rounds()} times, the contenders taking turns, and a row
 * of the tables is the median over its rounds, beside its best round (see {@link #interleave}). Writes
 * {@code results.md}, a {@code .hgrm} percentile file per latency row and an SVG plot per size and idle
 * strategy to the results directory.
 */
public final class CrossProcessBenchmark
{
    /** A run that has not finished this long after its planned end is killed and reported as failed. */
    private static final long GRACE_MILLIS = 120_000;
    private static final long JOIN_SECONDS = 60;

    private final BenchPlan plan;
    private final PrintWriter out;
    /** Each latency run's rounds so far, in table order. */
    private final Map<Run, List<LatencyResult>> latencyRounds = new LinkedHashMap<>();
    /** Each one-way run's rounds so far, in table order. */
    private final Map<Run, List<ThroughputResult>> throughputRounds = new LinkedHashMap<>();
    /** The C cache-line bounce, measured once; null if not measured. */
    private LatencyResult bounce;
    private final Map<Integer, Double> memcpyRates = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    /**
     * @param out where progress and the final tables are printed.
     */
    public CrossProcessBenchmark(final BenchPlan plan, final PrintWriter out)
    {
        this.plan = plan;
        this.out = out;
    }

    /**
     * @return 0 if every run finished with every message received, 1 otherwise.
     */
    public int run() throws IOException, InterruptedException
    {
        Files.createDirectories(plan.results());
        final Path scratch = scratchDirectory();
        final List<Run> runs = runs();
        for (final Run run : runs)
        {
            if (run.latency())
            {
                latencyRounds.put(run, new ArrayList<>());
            }
            else
            {
                throughputRounds.put(run, new ArrayList<>());
            }
        }
        final List<Turn> turns = interleave(runs);
        final String loadAtStart = Machine.loadAverage();
        out.printf("mmq bench: %d runs, %d round%s of %d, contenders taking turns; each role its own JVM; %s; " +
            "load average %s%n", turns.size(), plan.rounds(), plan.rounds() == 1 ? "" : "s", runs.size(),
            Machine.describe(), loadAtStart);
        out.printf("  results: %s%n", plan.results().toAbsolutePath());
        try
        {
            measureReferences(scratch);
            for (int i = 0; i < turns.size(); i++)
            {
                final Turn turn = turns.get(i);
                out.printf("[%d/%d] %s%n", i + 1, turns.size(), turn);
                final Path directory = Files.createDirectories(scratch.resolve("run-" + i));
                try
                {
                    final Run run = turn.run();
                    if (run.latency())
                    {
                        latencyRounds.get(run).add(report(runLatency(run, directory)));
                    }
                    else
                    {
                        throughputRounds.get(run).add(report(runThroughput(run, directory)));
                    }
                }
                catch (final RunFailed ex)
                {
                    out.println("    FAILED: " + ex.getMessage());
                    failures.add(turn + ": " + ex.getMessage());
                }
                finally
                {
                    deleteRecursively(directory);
                }
            }
        }
        finally
        {
            deleteRecursively(scratch);
        }
        final List<LatencyRow> latencies = latencyRows();
        final String markdown = new ResultsReport(plan, latencies, throughputRows(), memcpyRates, failures,
            Machine.describe(), loadAtStart, Machine.loadAverage()).markdown();
        Files.writeString(plan.results().resolve("results.md"), markdown);
        writePercentileFiles(latencies);
        LatencyPlot.writeAll(latencies.stream().map(LatencyRow::medianRound).toList(), plan.results());
        out.println();
        out.println(markdown);
        return failures.isEmpty() ? 0 : 1;
    }

    /**
     * @return a row per latency run with at least one round measured, the C bounce's first.
     */
    private List<LatencyRow> latencyRows()
    {
        final List<LatencyRow> rows = new ArrayList<>();
        if (null != bounce)
        {
            rows.add(new LatencyRow(List.of(bounce)));
        }
        latencyRounds.values().stream().filter(rounds -> !rounds.isEmpty()).map(LatencyRow::new).forEach(rows::add);
        return rows;
    }

    private List<ThroughputRow> throughputRows()
    {
        return throughputRounds.values().stream().filter(rounds -> !rounds.isEmpty()).map(ThroughputRow::new).toList();
    }

    private static Path scratchDirectory() throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        final Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        final Path scratch = parent.resolve("mmq-bench-" + ProcessHandle.current().pid());
        deleteRecursively(scratch);
        return Files.createDirectories(scratch);
    }

    private void measureReferences(final Path scratch) throws IOException, InterruptedException
    {
        if (!plan.references())
        {
            return;
        }
        if (plan.latency())
        {
            // Measured once, not in rounds: it is the floor under the rows, not one of them.
            out.printf("[ref] C cache-line bounce between two processes, %,d round trips%n", plan.bounceRoundTrips());
            final Histogram histogram = CacheLineBounce.measure(scratch, plan.bounceRoundTrips(), out);
            if (null != histogram)
            {
                bounce = report(new LatencyResult(ResultsReport.BOUNCE, IdleMode.BUSY_SPIN, 8,
                    histogram.getTotalCount(), histogram.getTotalCount(), histogram, Double.NaN));
            }
        }
        if (plan.throughput())
        {
            for (final int size : plan.sizes())
            {
                out.printf("[ref] memcpy of %s messages into a %d KiB region, one thread%n",
                    Sizes.label(size), plan.ringCapacity() >> 10);
                final double rate = MemcpyReference.messagesPerSecond(size, plan.ringCapacity(),
                    plan.durationMillis() * 1_000_000L / 2);
                memcpyRates.put(size, rate);
                out.printf("    %,.0f copies/s, %,.0f MB/s%n", rate, rate * size / 1e6);
            }
        }
    }

    /**
     * @return every run once, in table order: by kind, size, idle strategy, then contender.
     */
    private List<Run> runs()
    {
        final List<Run> runs = new ArrayList<>();
        if (plan.latency())
        {
            for (final int size : plan.sizes())
            {
                for (final IdleMode idle : plan.idles())
                {
                    for (final Contender contender : plan.contenders())
                    {
                        if (contender.supports(idle))
                        {
                            runs.add(new Run(true, contender, idle, size, 1));
                        }
                    }
                }
            }
        }
        if (plan.throughput())
        {
            for (final int size : plan.sizes())
            {
                for (final IdleMode idle : plan.idles())
                {
                    for (final Contender contender : plan.contenders())
                    {
                        if (!contender.supports(idle))
                        {
                            continue;
                        }
                        // A point-to-point contender runs once, with its one consumer.
                        plan.consumers().stream().map(count -> Math.min(count, contender.maxConsumers())).distinct()
                            .forEach(count -> runs.add(new Run(false, contender, idle, size, count)));
                    }
                }
            }
        }
        return runs;
    }

    /**
     * The order the runs are made in. The contenders of one kind, size and idle strategy are measured in
     * rounds, one run of each per round, before the next size or strategy; each round starts one contender
     * further down the list (mmq, agrona, aeron; then agrona, aeron, mmq; ...). On a machine whose speed
     * changes every few seconds (docs/benchmarks.md), one run each in a fixed order compared contenders
     * measured at different speeds, and the one always first caught the slow one more often; in rounds,
     * each contender gets several chances at each speed, and the rounds column shows which it met.
     */
    private List<Turn> interleave(final List<Run> runs)
    {
        final Map<Setting, List<Run>> settings = new LinkedHashMap<>();
        for (final Run run : runs)
        {
            settings.computeIfAbsent(run.setting(), setting -> new ArrayList<>()).add(run);
        }
        final List<Turn> turns = new ArrayList<>();
        for (final List<Run> setting : settings.values())
        {
            final List<Contender> contenders = setting.stream().map(Run::contender).distinct().toList();
            for (int round = 1; round <= plan.rounds(); round++)
            {
                for (int i = 0; i < contenders.size(); i++)
                {
                    final Contender next = contenders.get((round - 1 + i) % contenders.size());
                    for (final Run run : setting)
                    {
                        if (run.contender() == next)
                        {
                            turns.add(new Turn(run, round, plan.rounds()));
                        }
                    }
                }
            }
        }
        return turns;
    }

    private LatencyResult runLatency(final Run run, final Path directory) throws InterruptedException
    {
        final Channel channel = new Channel(directory, 1, run.size(), plan.ringCapacity());
        prepare(run, channel);
        final List<ChildProcess> processes = new ArrayList<>();
        try
        {
            final ChildProcess pong = start(processes, "pong", Role.PONG, run, channel, 0);
            awaitJoined(pong);
            final ChildProcess ping = start(processes, "ping", Role.PING, run, channel, 0);
            watch(ping, processes, "round trips");
            final String pingLine = resultLine(ping);
            final String pongLine = resultLine(pong);
            final long roundTrips = ChildProcess.field(pingLine, "roundTrips", -1);
            final long echoed = ChildProcess.field(pongLine, "echoed", -1);
            if (roundTrips != echoed)
            {
                throw new RunFailed("the pinger completed " + roundTrips + " round trips but the ponger echoed " + echoed);
            }
            return new LatencyResult(run.contender().name(), run.idle(), run.size(), roundTrips, echoed,
                HistogramText.decode(ChildProcess.text(pingLine, "histogram")),
                Double.parseDouble(ChildProcess.text(pongLine, "idleCpu")));
        }
        finally
        {
            processes.forEach(ChildProcess::kill);
            finish(run, channel);
        }
    }

    private ThroughputResult runThroughput(final Run run, final Path directory) throws InterruptedException
    {
        final Channel channel = new Channel(directory, run.consumers(), run.size(), plan.ringCapacity());
        prepare(run, channel);
        final List<ChildProcess> processes = new ArrayList<>();
        try
        {
            final List<ChildProcess> consumers = new ArrayList<>();
            for (int i = 0; i < run.consumers(); i++)
            {
                consumers.add(start(processes, "consumer-" + i, Role.CONSUMER, run, channel, i));
            }
            for (final ChildProcess consumer : consumers)
            {
                awaitJoined(consumer);
            }
            final ChildProcess producer = start(processes, "producer", Role.PRODUCER, run, channel, 0);
            watch(producer, processes, "messages");
            final String producerLine = resultLine(producer);
            final long sent = ChildProcess.field(producerLine, "sent", -1);
            final double producerRate = ChildProcess.field(producerLine, "measured", 0) /
                Double.parseDouble(ChildProcess.text(producerLine, "seconds"));
            long leastReceived = Long.MAX_VALUE;
            double slowestRate = Double.MAX_VALUE;
            for (final ChildProcess consumer : consumers)
            {
                final String line = resultLine(consumer);
                final long received = ChildProcess.field(line, "received", -1);
                if (received != sent)
                {
                    throw new RunFailed(consumer.name() + " received " + received + " messages of " + sent);
                }
                leastReceived = Math.min(leastReceived, received);
                slowestRate = Math.min(slowestRate, ChildProcess.field(line, "measured", 0) /
                    Double.parseDouble(ChildProcess.text(line, "seconds")));
            }
            return new ThroughputResult(run.contender().name(), run.contender().maxConsumers() == 1, run.idle(),
                run.size(), run.consumers(), sent, leastReceived, producerRate, slowestRate);
        }
        finally
        {
            processes.forEach(ChildProcess::kill);
            finish(run, channel);
        }
    }

    private static void prepare(final Run run, final Channel channel)
    {
        try
        {
            run.contender().prepare(channel);
        }
        catch (final Exception ex)
        {
            throw new RunFailed("could not prepare " + run.contender().name() + ": " + ex);
        }
    }

    /**
     * Lets the contender stop what it prepared. Failing to is a failure of the benchmark, reported apart
     * from the run's own result so that neither hides the other.
     */
    private void finish(final Run run, final Channel channel)
    {
        try
        {
            run.contender().finish(channel);
        }
        catch (final Exception ex)
        {
            out.println("    FAILED to finish: " + ex);
            failures.add(run + ": could not finish " + run.contender().name() + ": " + ex);
        }
    }

    private ChildProcess start(final List<ChildProcess> processes, final String name, final Role role, final Run run,
        final Channel channel, final int index)
    {
        try
        {
            final ChildProcess process = ChildProcess.start(name, "bench-role", BenchRoleCommand.arguments(role,
                run.contender().name(), run.idle(), channel, index, plan.warmupMillis(), plan.durationMillis(),
                plan.idleWindowMillis()));
            processes.add(process);
            return process;
        }
        catch (final IOException ex)
        {
            throw new RunFailed("could not start " + name + ": " + ex.getMessage());
        }
    }

    private static void awaitJoined(final ChildProcess process) throws InterruptedException
    {
        if (!process.awaitJoined(JOIN_SECONDS))
        {
            throw new RunFailed(process.name() + " was not ready within " + JOIN_SECONDS + " s: " +
                oneLine(process.errors()));
        }
    }

    /**
     * Prints the driver's count every second until every process has ended; fails the run at once if a
     * process ends with an error (its peer would wait for ever) or the run overstays its time.
     */
    private void watch(final ChildProcess driver, final List<ChildProcess> processes, final String unit)
        throws InterruptedException
    {
        final long start = System.nanoTime();
        final long deadline = start + (plan.warmupMillis() + plan.durationMillis() + plan.idleWindowMillis() +
            GRACE_MILLIS) * 1_000_000L;
        long nextReport = start + 1_000_000_000L;
        long lastCount = 0;
        long lastAt = start;
        while (processes.stream().anyMatch(ChildProcess::isAlive))
        {
            Thread.sleep(20);
            for (final ChildProcess process : processes)
            {
                if (!process.isAlive() && process.awaitExit() != 0)
                {
                    throw new RunFailed(process.name() + " failed: " + process.finalLine() + " " + oneLine(process.errors()));
                }
            }
            final long now = System.nanoTime();
            if (now - deadline > 0)
            {
                throw new RunFailed("not finished " + GRACE_MILLIS / 1000 + " s after its planned end");
            }
            if (now - nextReport >= 0)
            {
                final long count = driver.count();
                out.printf("    %5.1f s  %,15d %s  (%,.0f/s)%n", (now - start) / 1e9, count, unit,
                    (count - lastCount) * 1e9 / (now - lastAt));
                lastCount = count;
                lastAt = now;
                nextReport = now + 1_000_000_000L;
            }
        }
    }

    private static String resultLine(final ChildProcess process) throws InterruptedException
    {
        final String line = process.finalLine();
        if (process.awaitExit() != 0 || null == line || !line.startsWith("RESULT"))
        {
            throw new RunFailed(process.name() + " failed: " + line + " " + oneLine(process.errors()));
        }
        return line;
    }

    private static String oneLine(final String text)
    {
        return text.trim().replace('\n', ' ');
    }

    private LatencyResult report(final LatencyResult result)
    {
        out.printf("    p50 %.2f us, p99 %.2f us, p99.9 %.2f us, p99.99 %.2f us, max %.1f us over %,d round trips%s%n",
            result.micros(50), result.micros(99), result.micros(99.9), result.micros(99.99), result.maxMicros(),
            result.histogram().getTotalCount(),
            Double.isNaN(result.idleCpuPercent()) ? "" : String.format("; idle echo side %.1f%% CPU", result.idleCpuPercent()));
        return result;
    }

    private ThroughputResult report(final ThroughputResult result)
    {
        out.printf("    %,.0f msg/s (%,.0f MB/s) to the slowest of %d consumer(s); producer %,.0f msg/s; " +
            "all %,d messages received by each%n", result.slowestRate(), result.bytesPerSecond() / 1e6,
            result.consumers(), result.producerRate(), result.sent());
        return result;
    }

    /**
     * Writes each row's median round: one file per row, whatever the rounds.
     */
    private void writePercentileFiles(final List<LatencyRow> rows) throws IOException
    {
        for (final LatencyRow row : rows)
        {
            final Path path = plan.results().resolve(ResultsReport.percentileFileName(row));
            try (PrintStream file = new PrintStream(new FileOutputStream(path.toFile())))
            {
                row.medianRound().histogram().outputPercentileDistribution(file, 1000.0);
            }
        }
    }

    private static void deleteRecursively(final Path directory) throws IOException
    {
        if (!Files.exists(directory))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * What the contenders of one round are measured at: a kind of run, a size and an idle strategy.
     */
    private record Setting(boolean latency, int size, IdleMode idle)
    {
    }

    /**
     * One run, one row of the tables: a contender, an idle strategy, a size, and for one-way runs a
     * consumer count.
     */
    private record Run(boolean latency, Contender contender, IdleMode idle, int size, int consumers)
    {
        Setting setting()
        {
            return new Setting(latency, size, idle);
        }

        @Override
        public String toString()
        {
            return latency ?
                String.format("round trip  %-7s %-9s %7s", contender.name(), idle, Sizes.label(size)) :
                String.format("one-way     %-7s %-9s %7s, %d consumer%s", contender.name(), idle, Sizes.label(size),
                    consumers, consumers == 1 ? "" : "s");
        }
    }

    /**
     * A run made in one of its rounds.
     */
    private record Turn(Run run, int round, int rounds)
    {
        @Override
        public String toString()
        {
            return String.format("round %d/%d  %s", round, rounds, run);
        }
    }

    /**
     * A run that did not finish with every message received: reported, and the benchmark goes on.
     */
    private static final class RunFailed extends RuntimeException
    {
        RunFailed(final String message)
        {
            super(message);
        }
    }
}
