package io.mmq.examples.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
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

    @Test
    void theDemoRunsAcrossProcessesAndWritesALatencyDistributionPerConsumer() throws Exception
    {
        final Demo demo = new Demo(DemoPlan.of(200_000, 64, 3, 2_000, 20_000, results));
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
        final Demo demo = new Demo(DemoPlan.of(50_000, 64, 1, 1_000, 20_000, results)
            .withPython(Path.of("python").toAbsolutePath()));
        assertEquals(0, demo.run());
        assertEquals(2, demo.summaries().size(), "the Java consumer's summary and the Python one's");
        for (final String summary : demo.summaries())
        {
            assertTrue(summary.contains("received=51001"), summary);
        }
    }

    @Test
    void badOptionsAreRefusedWithTheirName()
    {
        final IllegalArgumentException error =
            assertThrows(IllegalArgumentException.class, () -> DemoPlan.of(10, 8, 1, 0, 1, results));
        assertTrue(error.getMessage().contains("--size"), error.getMessage());
    }
}
