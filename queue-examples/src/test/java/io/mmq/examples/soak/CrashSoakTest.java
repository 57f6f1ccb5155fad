package io.mmq.examples.soak;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mmq.examples.Mmq;
import io.mmq.mmap.TempQueues;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A short run of {@code mmq soak}, the crash soak (docs/reliability.md has a long run's figures):
 * producer and consumer processes SIGKILLed at random for 25 seconds, then every consumer's stream
 * checked. The soak's own checks are the assertions; this test makes sure they ran and meant something.
 */
class CrashSoakTest
{
    private static final Pattern KILLS = Pattern.compile("soak passed: (\\d+) kills survived \\((\\d+) of the producer, (\\d+) of consumers\\)");
    private static final Pattern COMMITTED = Pattern.compile("committed: ([\\d,]+) messages");

    @Test
    void producersAndConsumersKilledAtRandomLoseNothingRepeatNothingAndTearNothing() throws Exception
    {
        final Path directory = TempQueues.directory();
        final StringWriter output = new StringWriter();
        final StringWriter errors = new StringWriter();
        try
        {
            final int exit = Mmq.execute(new PrintWriter(output, true), new PrintWriter(errors, true), "soak",
                "--duration", System.getProperty("mmq.soak.duration", "25s"), "--consumers", "3", "--survivors", "1",
                "--min-interval", "100", "--max-interval", "600", "--seed", "20261125", "--dir", directory.toString());
            assertEquals(0, exit, output + "\n" + errors);
        }
        finally
        {
            TempQueues.delete(directory);
        }
        System.out.println(output);

        final Matcher kills = KILLS.matcher(output.toString());
        assertTrue(kills.find(), output.toString());
        assertTrue(Integer.parseInt(kills.group(2)) >= 3 && Integer.parseInt(kills.group(3)) >= 3,
            "both the producer and consumers were killed several times: " + kills.group());
        final Matcher committed = COMMITTED.matcher(output.toString());
        assertTrue(committed.find() && Long.parseLong(committed.group(1).replace(",", "")) > 10_000,
            "messages flowed between the kills: " + output);
        assertTrue(output.toString().contains("soak    1 s:"), "progress lines while running: " + output);
    }

    @Test
    void badSoakOptionsAreOneLineErrors()
    {
        for (final String[] args : new String[][] {
            {"soak", "--duration", "soon"}, {"soak", "--survivors", "5", "--consumers", "2"},
            {"soak", "--min-interval", "500", "--max-interval", "100"}, {"soak", "--max-message", "8"}})
        {
            final StringWriter errors = new StringWriter();
            assertEquals(Mmq.USER_ERROR, Mmq.execute(new PrintWriter(new StringWriter()), new PrintWriter(errors, true), args));
            assertEquals(1, errors.toString().strip().lines().count(), errors.toString());
            assertTrue(errors.toString().startsWith("mmq: "), errors.toString());
        }
    }
}
