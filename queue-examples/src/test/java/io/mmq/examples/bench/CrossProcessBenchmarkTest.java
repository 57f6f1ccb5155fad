package io.mmq.examples.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import io.mmq.examples.Mmq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq bench --quick}, end to end through real processes, for one small configuration: every
 * contender's rows are in the tables with what was received equal to what was sent, every latency run
 * has a well-formed percentile file that counts the round trips of its row, and the plot is an SVG with
 * a line per contender. No timing is asserted: the numbers are for people, on a quiet machine.
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
        final List<String> lines = markdown.lines().toList();
        int at = 0;
        while (at < lines.size() && !lines.get(at).startsWith(header))
        {
            at++;
        }
        assertTrue(at < lines.size(), "no table " + header + " in\n" + markdown);
        final List<String[]> rows = new ArrayList<>();
        for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++)
        {
            final String line = lines.get(i);
            rows.add(Arrays.stream(line.substring(1, line.length() - 1).split("\\|", -1)).map(String::trim)
                .toArray(String[]::new));
        }
        return rows;
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
