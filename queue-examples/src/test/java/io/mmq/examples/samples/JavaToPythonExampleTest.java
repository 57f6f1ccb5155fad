package io.mmq.examples.samples;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.mmq.examples.Mmq;
import io.mmq.mmap.process.Child;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq example java-to-python}: a Java producer and the Python reader python/examples/price_ticks.py.
 * Needs python3: without it the test fails, never skips.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the Python reader is Linux-only for now (docs/windows.md)")
class JavaToPythonExampleTest
{
    private static final Path SCRIPT = Path.of("python", "examples", "price_ticks.py").toAbsolutePath();

    @TempDir
    Path directory;

    @Test
    void thePythonReaderDecodesEveryTickWithTheValuesTheJavaProducerWrote() throws Exception
    {
        final ExampleRun run = ExampleRun.succeeding("example", "java-to-python", "--ticks", "5000", "--show-every", "500");

        final List<String> published = run.after("published ");
        assertEquals(10, published.size(), run.output().toString());
        assertEquals(published, run.after("[python] decoded "), "each tick shown, as Python decoded it");
        assertTrue(published.get(9).startsWith("tick 4500  "), published.get(9));
        assertTrue(published.get(0).matches("tick 0  \\d\\d:\\d\\d:\\d\\d\\.\\d{3}  [A-Z]{4}  bid \\d+\\.\\d\\d  " +
            "ask \\d+\\.\\d\\d  size \\d+00"), published.get(0));

        final String totals = run.line("producer totals: ").substring("producer ".length());
        assertTrue(totals.startsWith("totals: ticks=5000 bid_cents="), totals);
        assertEquals(totals, run.line("[python] totals: ").substring("[python] ".length()));
        run.assertPrinted("The Python reader decoded all 5,000 ticks, and its totals match the producer's.");
    }

    @Test
    void theProducerAloneWaitsForAPythonReaderStartedByHand() throws Exception
    {
        try (Child producer = Child.start("producer", Mmq.class, "example", "java-to-python", "producer",
                "--ticks", "3000", "--show-every", "1000", "--dir", directory))
        {
            final Path file = directory.resolve("ticks.mmq");
            producer.awaitLine("In another terminal: python3 " + SCRIPT + " " + file + " --show-every 1000", 60);
            producer.awaitLine("publishing 3,000 ticks on " + file + " once a reader has joined", 60);
            try (Child python = Child.command("python", Map.of(), List.of("python3", SCRIPT.toString(), file.toString(),
                "--show-every", "1000")))
            {
                assertEquals(0, python.awaitExit(120), python.errors());
                assertEquals(0, producer.awaitExit(60), producer.errors());
                final String totals = python.output().get(python.output().size() - 1);
                assertTrue(totals.startsWith("totals: ticks=3000 "), python.output().toString());
                assertEquals("producer " + totals, producer.output().get(producer.output().size() - 1));
            }
        }
    }

    @Test
    void theReaderNamesAMissingQueueFileInOneLine() throws Exception
    {
        final Path missing = directory.resolve("missing.mmq");
        try (Child python = Child.command("python", Map.of(), List.of("python3", SCRIPT.toString(), missing.toString())))
        {
            assertEquals(2, python.awaitExit(60));
            assertEquals("price_ticks.py: [Errno 2] No such file or directory: '" + missing + "'", python.errors().strip());
        }
    }
}
