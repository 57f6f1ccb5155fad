package io.mmq.examples.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import io.mmq.examples.Mmq;
import io.mmq.examples.bench.contenders.Contenders;
import io.mmq.examples.bench.harness.BenchPlan;
import io.mmq.examples.bench.harness.IdleMode;
import io.mmq.examples.bench.harness.LatencyResult;
import io.mmq.examples.bench.harness.LatencyRow;
import io.mmq.examples.bench.harness.ResultsReport;
import io.mmq.examples.bench.harness.ThroughputResult;
import io.mmq.examples.bench.harness.ThroughputRow;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq bench --quick}, end to end through real processes, for one small configuration: every
 * contender's rows are in the tables with what was received equal to what was sent, every latency run
 * has a well-formed percentile file that counts the round trips of its row, and the plot is an SVG with
 * a line per contender; with several rounds, the contenders take turns and each row is the median of its
 * rounds. No timing is asserted: the numbers are for people, on a quiet machine.
 */
class CrossProcessBenchmarkTest
{
    @TempDir
    Path results;

    @Test
    void aQuickRunMeasuresEachContenderAcrossProcessesAndWritesTablesPercentileFilesAndAPlot() throws Exception
    {
        final StringWriter errors = new StringWriter();
        final int exitCode = Mmq.execute(new PrintWriter(new StringWriter()), new PrintWriter(errors), "bench", "--quick",
            "--contenders=mmq,agrona,uds", "--sizes=64", "--consumers=1,2", "--idle=yield", "--results=" + results);
        assertEquals(0, exitCode, errors.toString());
        final String markdown = Files.readString(results.resolve("results.md"));

        final List<String[]> latency = table(markdown, "| contender | idle | size | round trips |");
        assertEquals(List.of("C cache-line bounce", "mmq", "agrona", "uds"), column(latency, 0), markdown);
        for (final String[] row : latency)
        {
            final long roundTrips = count(row[3]);
            assertTrue(roundTrips > 0, Arrays.toString(row));
            final Path percentiles = results.resolve(row[0].startsWith("C ") ? "latency-c-cacheline-bounce.hgrm" :
                "latency-" + row[0] + "-yield-64B.hgrm");
            assertEquals(roundTrips, totalCountOf(percentiles), percentiles + " counts the round trips of its row");
        }

        final List<String[]> throughput = table(markdown, "| contender | idle | size | consumers |");
        assertEquals(List.of("memcpy (one thread)", "mmq", "mmq", "agrona", "uds"), column(throughput, 0), markdown);
        assertEquals(List.of("", "1", "2", "1 (p2p)", "1 (p2p)"), column(throughput, 3), "point-to-point runs one consumer");
        for (final String[] row : throughput.subList(1, throughput.size()))
        {
            assertTrue(count(row[4]) > 0, Arrays.toString(row));
            assertEquals(count(row[4]), count(row[5]), "each consumer received every message sent: " + Arrays.toString(row));
        }
        assertTrue(markdown.contains("## Against the targets"), markdown);
        final List<String[]> targets = table(markdown,
            "| target | goal | measured (medians) | median | measured (best rounds) | best round |");
        assertEquals(List.of("producer cost of each extra consumer, 64 B, yield: 2 consumers vs 1"), column(targets, 0),
            markdown);
        for (final String[] target : targets)
        {
            assertTrue(target[3].matches("met|missed") && target[5].matches("met|missed"),
                "a verdict from the medians and one from the best rounds: " + Arrays.toString(target));
        }

        final Document plot = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(results.resolve("latency-64B-yield.svg").toFile());
        assertEquals("svg", plot.getDocumentElement().getTagName());
        assertEquals(3, plot.getElementsByTagName("polyline").getLength(), "a line for mmq, agrona and uds");
    }

    /**
     * Aeron IPC through the same harness: a media driver in this (the harness's) JVM, ping, pong, producer
     * and consumers in JVMs of their own as its clients. 64 KiB messages are several fragments under the
     * 8 KiB IPC MTU, so they also show that a message is handed over whole; two consumers show that
     * Aeron runs one-way to many, not point to point; blocking, which Aeron has not, gives no rows.
     */
    @Test
    void aQuickRunMeasuresAeronIpcAcrossProcessesWholeMessagesToEveryConsumerAndNoBlockingRows() throws Exception
    {
        final StringWriter errors = new StringWriter();
        final int exitCode = Mmq.execute(new PrintWriter(new StringWriter()), new PrintWriter(errors), "bench", "--quick",
            "--contenders=aeron", "--sizes=64,64k", "--consumers=1,2", "--idle=yield,blocking", "--no-references",
            "--results=" + results);
        assertEquals(0, exitCode, errors.toString());
        final String markdown = Files.readString(results.resolve("results.md"));

        final List<String[]> latency = table(markdown, "| contender | idle | size | round trips |");
        assertEquals(List.of("aeron", "aeron"), column(latency, 0), markdown);
        assertEquals(List.of("yield", "yield"), column(latency, 1), "no blocking rows: " + markdown);
        assertEquals(List.of("64 B", "64 KiB"), column(latency, 2), markdown);
        for (final String[] row : latency)
        {
            final long roundTrips = count(row[3]);
            assertTrue(roundTrips > 0, Arrays.toString(row));
            final Path percentiles = results.resolve("latency-aeron-yield-" + row[2].replace(" ", "") + ".hgrm");
            assertEquals(roundTrips, totalCountOf(percentiles), percentiles + " counts the round trips of its row");
        }

        final List<String[]> throughput = table(markdown, "| contender | idle | size | consumers |");
        assertEquals(List.of("aeron", "aeron", "aeron", "aeron"), column(throughput, 0), markdown);
        assertEquals(List.of("yield", "yield", "yield", "yield"), column(throughput, 1), "no blocking rows: " + markdown);
        assertEquals(List.of("64 B", "64 B", "64 KiB", "64 KiB"), column(throughput, 2), markdown);
        assertEquals(List.of("1", "2", "1", "2"), column(throughput, 3), "one-way to many, not point to point");
        for (final String[] row : throughput)
        {
            assertTrue(count(row[4]) > 0, Arrays.toString(row));
            assertEquals(count(row[4]), count(row[5]), "each consumer received every message sent: " + Arrays.toString(row));
        }
        // Each run's driver ran in this JVM, in the harness's scratch directory, and was stopped; an Aeron
        // driver names its thread after its directory (AeronIpcContenderTest checks that it does).
        final String scratch = "mmq-bench-" + ProcessHandle.current().pid();
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
            .filter(name -> name.contains(scratch)).toList(), "every run's media driver was stopped by finish");
    }

    /**
     * Two rounds of two contenders: the progress says each run's round, the second round starts with the
     * other contender, and each row stands on both rounds: counts summed, percentiles and rates the median
     * (of two: their mean) of what the progress printed for each round, lowest and highest in the last column.
     * Printed values are rounded, so the medians are checked to within that rounding; {@link
     * #aRowIsTheMedianOfItsRoundsPercentileByPercentile} checks the arithmetic exactly.
     */
    @Test
    void roundsTakeTurnsAndEachRowIsTheMedianOfItsRounds() throws Exception
    {
        final StringWriter progress = new StringWriter();
        final StringWriter errors = new StringWriter();
        final int exitCode = Mmq.execute(new PrintWriter(progress), new PrintWriter(errors), "bench", "--quick",
            "--rounds=2", "--contenders=mmq,agrona", "--sizes=64", "--consumers=1", "--idle=yield", "--no-references",
            "--results=" + results);
        assertEquals(0, exitCode, errors.toString());
        final String markdown = Files.readString(results.resolve("results.md"));
        assertTrue(markdown.contains("- Rounds: 2 of each run"), markdown);

        final List<Round> rounds = rounds(progress.toString());
        assertEquals(List.of("latency 1 mmq", "latency 1 agrona", "latency 2 agrona", "latency 2 mmq",
            "one-way 1 mmq", "one-way 1 agrona", "one-way 2 agrona", "one-way 2 mmq"),
            rounds.stream().map(round -> round.kind + " " + round.round + " " + round.contender).toList(),
            "each round starts with the next contender:\n" + progress);

        final List<String[]> latency = table(markdown, "| contender | idle | size | round trips |");
        assertEquals(List.of("mmq", "agrona"), column(latency, 0), "a row per contender, in table order: " + markdown);
        for (final String[] row : latency)
        {
            final List<Round> own = rounds.stream().filter(r -> r.kind.equals("latency") && r.contender.equals(row[0]))
                .toList();
            final Round first = own.get(0);
            final Round second = own.get(1);
            assertEquals(first.count + second.count, count(row[3]), "round trips of both rounds: " + Arrays.toString(row));
            assertWithinRounding((first.p50 + second.p50) / 2, row[4], "p50, the median of two: " + Arrays.toString(row));
            final Matcher spread = Pattern.compile("2 \\((\\S+) to (\\S+)\\)").matcher(row[11]);
            assertTrue(spread.matches(), "two rounds, lowest and highest p50: " + Arrays.toString(row));
            assertWithinRounding(Math.min(first.p50, second.p50), spread.group(1), Arrays.toString(row));
            assertWithinRounding(Math.max(first.p50, second.p50), spread.group(2), Arrays.toString(row));
            // The percentile file is the median round's: of two, the one with the lower p50.
            final long fileCount = totalCountOf(results.resolve("latency-" + row[0] + "-yield-64B.hgrm"));
            assertEquals(first.p50 < second.p50 ? first.count : second.p50 < first.p50 ? second.count : fileCount,
                fileCount, "the percentile file is the round with the lower p50: " + progress);
            assertTrue(fileCount == first.count || fileCount == second.count, "the file is one round's: " + fileCount);
            final Matcher best = Pattern.compile("(\\S+) / (\\S+) / (\\S+)").matcher(row[12]);
            assertTrue(best.matches(), "the best round's p50, p99 and p99.9: " + Arrays.toString(row));
            assertEquals(spread.group(1), best.group(1), "the best round's p50 is the lowest: " + Arrays.toString(row));
        }

        final List<String[]> throughput = table(markdown, "| contender | idle | size | consumers |");
        assertEquals(List.of("mmq", "agrona"), column(throughput, 0), markdown);
        for (final String[] row : throughput)
        {
            final List<Round> own = rounds.stream().filter(r -> r.kind.equals("one-way") && r.contender.equals(row[0]))
                .toList();
            final Round first = own.get(0);
            final Round second = own.get(1);
            assertEquals(first.count + second.count, count(row[4]), "sent in both rounds: " + Arrays.toString(row));
            assertEquals(count(row[4]), count(row[5]), "each consumer received every message sent: " + Arrays.toString(row));
            assertWithinRounding((first.rate + second.rate) / 2e6, row[6], "M msg/s, the median of two: " +
                Arrays.toString(row));
            final Matcher spread = Pattern.compile("2 \\((\\S+) to (\\S+)\\)").matcher(row[9]);
            assertTrue(spread.matches(), "two rounds, lowest and highest rate: " + Arrays.toString(row));
            assertWithinRounding(Math.min(first.rate, second.rate) / 1e6, spread.group(1), Arrays.toString(row));
            assertWithinRounding(Math.max(first.rate, second.rate) / 1e6, spread.group(2), Arrays.toString(row));
            assertTrue(row[10].startsWith(spread.group(2) + " / "), "the best round's rate is the highest: " +
                Arrays.toString(row));
        }
    }

    /**
     * A row made up of three rounds, one in the slow mode: each percentile is the median of the rounds'
     * values at that percentile, whichever round it comes from; counts add up; the percentile file's round
     * is the one with the median p50. Of two rounds, the median is their mean, and the file the faster one.
     */
    @Test
    void aRowIsTheMedianOfItsRoundsPercentileByPercentile()
    {
        // 1,000 round trips at the p50 value and 10 in the tail: p50 is the first, p99.9 and max the second.
        final LatencyResult fast = round(200, 5_000, 99.0);
        final LatencyResult slow = round(600, 900, 98.0);
        final LatencyResult fastWithALongerTail = round(210, 8_000, 99.5);
        final LatencyRow row = new LatencyRow(List.of(fast, slow, fastWithALongerTail));

        assertEquals(3, row.roundCount());
        assertEquals(3 * 1_010, row.roundTrips(), "every round's round trips");
        assertEquals(0.21, row.micros(50), 1e-9, "the middle of 0.20, 0.60 and 0.21");
        assertEquals(5.0, row.micros(99.9), 1e-9, "the middle of 5.0, 0.9 and 8.0: another round than the p50's");
        assertEquals(5.0, row.maxMicros(), 1e-9);
        assertEquals(99.0, row.idleCpuPercent(), 1e-9);
        assertEquals(0.20, row.lowestP50Micros(), 1e-9);
        assertEquals(0.60, row.highestP50Micros(), 1e-9);
        assertSame(fastWithALongerTail, row.medianRound(), "the round whose p50 is the median");

        final LatencyRow two = new LatencyRow(List.of(slow, fast));
        assertEquals(0.40, two.micros(50), 1e-9, "of two rounds, the mean of both");
        assertSame(fast, two.medianRound(), "of two rounds, the one with the lower p50");
        assertTrue(Double.isNaN(new LatencyRow(List.of(round(200, 300, Double.NaN))).idleCpuPercent()),
            "idle CPU not measured stays not measured");
    }

    /**
     * A report made of made-up rows of three rounds, each contender meeting both of a machine's speeds: each
     * row's best round is the one with the lowest p50 (latency; its own p99 and p99.9 beside it) or the
     * highest rate (throughput; its own producer rate), and every target is computed from the medians and
     * from the best rounds, with a verdict each. The rounds are chosen so that the verdicts agree on some
     * targets and go each way on others.
     */
    @Test
    void theReportGivesEachRowsBestRoundAndJudgesEveryTargetOnMediansAndOnBestRounds()
    {
        // p50, p99, p99.9 in nanoseconds. mmq: slow, fast (the best), slow; agrona: fast (the best), slow, slow.
        final LatencyRow mmq = new LatencyRow(List.of(latency("mmq", 600, 900, 2_000), latency("mmq", 200, 330, 1_500),
            latency("mmq", 590, 950, 3_000)));
        final LatencyRow agrona = new LatencyRow(List.of(latency("agrona", 200, 350, 1_000),
            latency("agrona", 580, 900, 2_500), latency("agrona", 600, 1_000, 4_000)));
        final LatencyRow bounce = new LatencyRow(List.of(new LatencyResult(ResultsReport.BOUNCE, IdleMode.BUSY_SPIN, 8,
            1_000, 1_000, histogram(180, 250, 400), Double.NaN)));
        assertEquals(0.59, mmq.micros(50), 1e-9);
        assertEquals(0.20, mmq.bestMicros(50), 1e-9);
        assertEquals(0.33, mmq.bestMicros(99), 1e-9, "the best round's own p99, not the lowest p99 of the rounds");
        assertEquals(1.50, mmq.bestMicros(99.9), 1e-9, "the best round's own p99.9, though another round's was lower");
        assertEquals(99.0, mmq.bestIdleCpuPercent(), 1e-9);

        // Slowest consumer's rate and the producer's, in messages a second.
        final ThroughputRow mmq32 = new ThroughputRow(List.of(oneWay("mmq", 32, 1, 10.0e6, 10.5e6),
            oneWay("mmq", 32, 1, 17.0e6, 17.5e6), oneWay("mmq", 32, 1, 16.0e6, 16.5e6)));
        final ThroughputRow agrona32 = new ThroughputRow(List.of(oneWay("agrona", 32, 1, 23.0e6, 23.5e6),
            oneWay("agrona", 32, 1, 12.0e6, 12.5e6), oneWay("agrona", 32, 1, 15.0e6, 15.5e6)));
        final ThroughputRow mmq1k = new ThroughputRow(List.of(oneWay("mmq", 1024, 1, 1.0e6, 1.0e6),
            oneWay("mmq", 1024, 1, 2.0e6, 2.0e6), oneWay("mmq", 1024, 1, 1.5e6, 1.5e6)));
        // Two consumers: the best round (slowest consumer fastest) is not the producer's fastest.
        final ThroughputRow mmq32Two = new ThroughputRow(List.of(oneWay("mmq", 32, 2, 14.0e6, 15.0e6),
            oneWay("mmq", 32, 2, 9.0e6, 16.0e6), oneWay("mmq", 32, 2, 15.0e6, 14.0e6)));
        assertEquals(15.0e6, mmq32Two.bestRound().slowestRate(), 0);
        assertEquals(14.0e6, mmq32Two.bestRound().producerRate(), 0, "the best round's own producer rate");
        assertEquals(15.0e6, mmq32Two.producerRate(), 0, "the median producer rate");

        final BenchPlan plan = new BenchPlan(List.of(Contenders.named("mmq"), Contenders.named("agrona")),
            List.of(32, 1024), List.of(1, 2), List.of(IdleMode.BUSY_SPIN), true, true, true, 100, 200, 3, 100, 100_000,
            64 * 1024, results, "mmq bench (made up)");
        final String markdown = new ResultsReport(plan, List.of(bounce, mmq, agrona),
            List.of(mmq32, mmq32Two, agrona32, mmq1k), Map.of(1024, 1.8e6), List.of(), "made up", "0.00", "0.00")
            .markdown();

        final List<String[]> latencyTable = table(markdown, "| contender | idle | size | round trips |");
        assertEquals("best round p50 / p99 / p99.9", table(markdown, "| contender | idle | size | round trips |", -2)
            .get(0)[12], markdown);
        assertEquals(List.of("0.18 / 0.25 / 0.40", "0.20 / 0.33 / 1.50", "0.20 / 0.35 / 1.00"),
            column(latencyTable, 12), markdown);
        assertEquals(List.of("0.18", "0.59", "0.58"), column(latencyTable, 4), "the medians stay: " + markdown);

        final List<String[]> throughputTable = table(markdown, "| contender | idle | size | consumers |");
        assertEquals(List.of("", "17.00 / 544", "15.00 / 480", "23.00 / 736", "2.00 / 2,048"),
            column(throughputTable, 10), "memcpy has no rounds, then each row's fastest round: " + markdown);
        assertEquals(List.of("1.80", "16.00", "14.00", "15.00", "1.50"), column(throughputTable, 6),
            "the medians stay: " + markdown);

        assertEquals(List.of(
            "| round trip p50, 32 B, busy-spin: mmq / agrona | <= 1.00 | 0.59 / 0.58 us = 1.017 | missed | " +
                "0.20 / 0.20 us = 1.000 | met |",
            "| round trip p99, 32 B, busy-spin: mmq / agrona | <= 1.00 | 0.90 / 0.90 us = 1.000 | met | " +
                "0.33 / 0.35 us = 0.943 | met |",
            "| round trip p99.9, 32 B, busy-spin: mmq / agrona | <= 1.00 | 2.00 / 2.50 us = 0.800 | met | " +
                "1.50 / 1.00 us = 1.500 | missed |",
            "| round trip p50, 32 B, busy-spin: mmq / C cache-line bounce | <= 1.30 | 0.59 / 0.18 us = 3.278 | missed | " +
                "0.20 / 0.18 us = 1.111 | met |",
            "| one-way 32 B, busy-spin, 1 consumer: mmq / agrona | >= 1.00 | 16.0 / 15.0 M msg/s = 1.067 | met | " +
                "17.0 / 23.0 M msg/s = 0.739 | missed |",
            "| one-way 1 KiB, busy-spin, 1 consumer: mmq / memcpy | >= 1.00 | 1,536 / 1,843 MB/s = 0.833 | missed | " +
                "2,048 / 1,843 MB/s = 1.111 | met |",
            "| producer cost of each extra consumer, 32 B, busy-spin: 2 consumers vs 1 | < 10% | " +
                "15.00 vs 16.50 M msg/s: 9.1% each | met | 14.00 vs 17.50 M msg/s: 20.0% each | missed |"),
            table(markdown, "| target | goal | measured (medians) | median | measured (best rounds) | best round |")
                .stream().map(cells -> "| " + String.join(" | ", cells) + " |").toList(), markdown);
        assertTrue(markdown.contains("never speed it up, so a contender's best round is the fairest estimate"), markdown);

        final LatencyRow tie = new LatencyRow(List.of(latency("mmq", 200, 500, 900), latency("mmq", 200, 350, 900)));
        assertEquals(0.35, tie.bestMicros(99), 1e-9, "of equal p50s, the round with the lower p99");
    }

    private static LatencyResult latency(final String contender, final long p50Nanos, final long p99Nanos,
        final long p999Nanos)
    {
        return new LatencyResult(contender, IdleMode.BUSY_SPIN, 32, 1_000, 1_000, histogram(p50Nanos, p99Nanos,
            p999Nanos), 99.0);
    }

    /**
     * @return 1,000 values: 980 at p50, 15 at p99 (ranks 981 to 995) and 5 at p99.9 (996 to 1,000).
     */
    private static Histogram histogram(final long p50Nanos, final long p99Nanos, final long p999Nanos)
    {
        final Histogram histogram = new Histogram(5);
        histogram.recordValueWithCount(p50Nanos, 980);
        histogram.recordValueWithCount(p99Nanos, 15);
        histogram.recordValueWithCount(p999Nanos, 5);
        return histogram;
    }

    private static ThroughputResult oneWay(final String contender, final int size, final int consumers,
        final double slowestRate, final double producerRate)
    {
        return new ThroughputResult(contender, "agrona".equals(contender), IdleMode.BUSY_SPIN, size, consumers, 1_000,
            1_000, producerRate, slowestRate);
    }

    private static LatencyResult round(final long p50Nanos, final long tailNanos, final double idleCpuPercent)
    {
        final Histogram histogram = new Histogram(5);
        histogram.recordValueWithCount(p50Nanos, 1_000);
        histogram.recordValueWithCount(tailNanos, 10);
        return new LatencyResult("mmq", IdleMode.BUSY_SPIN, 32, 1_010, 1_010, histogram, idleCpuPercent);
    }

    @Test
    void aMessageTooSmallForTheSequenceIsRefusedInOneLineNamingTheOption()
    {
        final StringWriter errors = new StringWriter();
        final int exitCode = Mmq.execute(new PrintWriter(new StringWriter()), new PrintWriter(errors), "bench",
            "--sizes=8", "--results=" + results);
        assertEquals(Mmq.USER_ERROR, exitCode);
        assertTrue(errors.toString().startsWith("mmq: --sizes: 8 is outside 16"), errors.toString());
        assertEquals(1, errors.toString().lines().count(), errors.toString());
    }

    /**
     * @return the body rows of the markdown table whose header starts with {@code header}, as cells.
     */
    private static List<String[]> table(final String markdown, final String header)
    {
        return table(markdown, header, 0);
    }

    /**
     * @param from where the rows start, counted from the first body row: -2 is the header.
     */
    private static List<String[]> table(final String markdown, final String header, final int from)
    {
        final List<String> lines = markdown.lines().toList();
        int at = 0;
        while (at < lines.size() && !lines.get(at).startsWith(header))
        {
            at++;
        }
        assertTrue(at < lines.size(), "no table " + header + " in\n" + markdown);
        final List<String[]> rows = new ArrayList<>();
        for (int i = at + 2 + from; i < lines.size() && lines.get(i).startsWith("|"); i++)
        {
            final String line = lines.get(i);
            rows.add(Arrays.stream(line.substring(1, line.length() - 1).split("\\|", -1)).map(String::trim)
                .toArray(String[]::new));
        }
        return rows;
    }

    /**
     * One run's progress: its kind, round and contender, and what it printed: the p50 and the round trips of a
     * latency run, the slowest consumer's rate and the messages sent of a one-way run.
     */
    private record Round(String kind, int round, String contender, double p50, double rate, long count)
    {
    }

    private static List<Round> rounds(final String progress)
    {
        final Pattern header = Pattern.compile("\\[\\d+/\\d+\\] round (\\d+)/\\d+ +(round trip|one-way) +(\\S+) .*");
        final Pattern latency = Pattern.compile(" +p50 (\\S+) us, .* over (\\S+) round trips.*");
        final Pattern oneWay = Pattern.compile(" +(\\S+) msg/s .*; all (\\S+) messages received by each");
        final List<Round> rounds = new ArrayList<>();
        Matcher run = null;
        for (final String line : progress.lines().toList())
        {
            final Matcher next = header.matcher(line);
            if (next.matches())
            {
                run = next;
                continue;
            }
            final Matcher ping = latency.matcher(line);
            final Matcher flow = oneWay.matcher(line);
            if (null != run && ping.matches())
            {
                rounds.add(new Round("latency", Integer.parseInt(run.group(1)), run.group(3),
                    Double.parseDouble(ping.group(1)), Double.NaN, count(ping.group(2))));
            }
            else if (null != run && flow.matches())
            {
                rounds.add(new Round("one-way", Integer.parseInt(run.group(1)), run.group(3), Double.NaN,
                    count(flow.group(1)), count(flow.group(2))));
            }
        }
        return rounds;
    }

    /**
     * Asserts that a printed cell is {@code expected} to within the rounding of the cell and of the progress
     * values {@code expected} was computed from (two decimals).
     */
    private static void assertWithinRounding(final double expected, final String cell, final String message)
    {
        final int decimals = cell.contains(".") ? cell.length() - cell.indexOf('.') - 1 : 0;
        final double tolerance = 0.5 * Math.pow(10, -decimals) + 0.005 + 1e-9;
        assertEquals(expected, Double.parseDouble(cell.replace(",", "")), tolerance, message);
    }

    private static List<String> column(final List<String[]> rows, final int index)
    {
        return rows.stream().map(row -> row[index]).toList();
    }

    private static long count(final String cell)
    {
        return Long.parseLong(cell.replace(",", ""));
    }

    /**
     * Reads an HdrHistogram percentile file: rising values and percentiles up to 1, and a footer whose
     * total count is returned.
     */
    private static long totalCountOf(final Path file) throws Exception
    {
        double lastValue = -1;
        double lastPercentile = -1;
        long total = -1;
        for (final String line : Files.readAllLines(file))
        {
            final String text = line.trim();
            if (text.isEmpty() || text.startsWith("Value"))
            {
                continue;
            }
            if (text.startsWith("#[Max"))
            {
                total = Long.parseLong(text.substring(text.indexOf("Total count") + 11).replaceAll("[^0-9]", ""));
                continue;
            }
            if (text.startsWith("#"))
            {
                continue;
            }
            final String[] fields = text.split("\\s+");
            // Value, percentile, total count, 1/(1-percentile); the last is empty at the 100th percentile.
            assertEquals(Double.parseDouble(fields[1]) == 1.0 ? 3 : 4, fields.length, file + ": " + line);
            final double value = Double.parseDouble(fields[0]);
            final double percentile = Double.parseDouble(fields[1]);
            assertTrue(value >= lastValue && percentile >= lastPercentile && percentile <= 1.0, file + ": " + line);
            lastValue = value;
            lastPercentile = percentile;
        }
        assertEquals(1.0, lastPercentile, file + " reaches the 100th percentile");
        return total;
    }
}
