package io.mmq.examples.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's main job, small: real producer and consumer JVMs, every message received in order, and a
 * latency distribution written per consumer.
 */
class DemoTest
{
    @TempDir
    Path results;

    @ParameterizedTest
    @EnumSource(DemoIdle.class)
    void theDemoRunsAcrossProcessesAndWritesALatencyDistributionPerConsumer(final DemoIdle idle) throws Exception
    {
        final Demo demo = new Demo(DemoPlan.of(200_000, 64, 3, 2_000, 20_000, idle, results));
        assertEquals(0, demo.run());

        try (Stream<Path> files = Files.list(results))
        {
            final List<Path> percentiles = files.sorted().toList();
            assertEquals(3, percentiles.size(), percentiles.toString());
            for (final Path file : percentiles)
            {
                final String text = Files.readString(file);
                assertTrue(text.contains("#[Mean"), file + " is an HdrHistogram percentile file");
                assertTrue(text.contains("Total count    =         2000]"), file + " counts every latency-phase message");
            }
        }
    }

    @EnabledOnOs(value = OS.LINUX, disabledReason = "the Python reader is Linux-only for now (docs/windows.md)")
    @Test
    void aPythonConsumerJoinsTheDemoAndReceivesEverythingToo() throws Exception
    {
        final Demo demo = new Demo(DemoPlan.of(50_000, 64, 1, 1_000, 10_000, DemoIdle.BLOCKING, results)
            .withPython(Path.of("python").toAbsolutePath()));
        assertEquals(0, demo.run());
        assertEquals(2, demo.summaries().size(), "the Java consumer's summary and the Python one's");
        for (final String summary : demo.summaries())
        {
            assertTrue(summary.contains("received=51001"), summary);
        }

        // The Python consumer's latency distribution too, in HdrHistogram's percentile text, its p50 the one it reported.
        final String python = demo.summaries().stream().filter(summary -> summary.contains("-python.hgrm")).findFirst()
            .orElseThrow(() -> new AssertionError("no summary names a Python percentile file: " + demo.summaries()));
        final Path file = Path.of(ChildProcess.text(python, "file"));
        assertEquals(results, file.getParent());
        final List<String> lines = Files.readAllLines(file);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("#[Max") && line.endsWith("Total count    =         1000]")),
            "every latency-phase message counted: " + lines);
        final double p50 = lines.stream().map(String::trim).map(line -> line.split("\\s+"))
            .filter(cells -> cells.length == 4 && cells[1].equals("0.500000000000"))
            .mapToDouble(cells -> Double.parseDouble(cells[0])).findFirst()
            .orElseThrow(() -> new AssertionError("no 50th percentile row: " + lines));
        assertEquals(Double.parseDouble(ChildProcess.text(python, "p50")), p50, 0.05, "the file's p50 is the summary's");
    }

    @Test
    void badOptionsAreRefusedWithTheirName()
    {
        final IllegalArgumentException error =
            assertThrows(IllegalArgumentException.class, () -> DemoPlan.of(10, 8, 1, 0, 1, DemoIdle.BLOCKING, results));
        assertTrue(error.getMessage().contains("--size"), error.getMessage());
    }
}
