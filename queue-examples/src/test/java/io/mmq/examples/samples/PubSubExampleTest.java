package io.mmq.examples.samples;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq example pub-sub}: one publisher, three subscriber JVMs, and two late ones joining halfway.
 */
class PubSubExampleTest
{
    private static final Pattern COUNTED = Pattern.compile("counted NEW ([\\d,]+) FILL ([\\d,]+) CANCEL ([\\d,]+)");

    @Test
    void everySubscriberSeesEveryEventAndLateOnesFromWhereTheyJoined() throws Exception
    {
        final ExampleRun run = ExampleRun.succeeding("example", "pub-sub", "--events", "4000", "--rate", "20000");

        for (final String service : new String[] {"counter", "average", "logger"})
        {
            assertTrue(run.line("[" + service + "] saw ").startsWith(
                "[" + service + "] saw 4000 events, #0 to #3999, in order, none missing; latency p50 "));
        }
        assertEquals(4000, counted(run.line("[counter] counted ")));
        assertTrue(run.line("[average] average FILL quantity ").matches(".* quantity \\d+\\.\\d\\d over [\\d,]+ fills"));
        run.assertPrinted("[logger] logged 1 events, one in 50,000");

        assertTrue(run.line("[late-latest] saw ").startsWith("[late-latest] saw 2000 events, #2000 to #3999, "),
            "a LATEST subscriber receives only what is published after it joined");
        assertEquals(2000, counted(run.line("[late-latest] counted ")));

        final Matcher earliest = Pattern.compile("\\[late-earliest] saw (\\d+) events, #(\\d+) to #3999, ")
            .matcher(run.line("[late-earliest] saw "));
        assertTrue(earliest.find(), run.line("[late-earliest] saw "));
        final long first = Long.parseLong(earliest.group(2));
        assertTrue(first < 2000, "an EARLIEST subscriber first receives the ring's history: " + first);
        assertEquals(4000 - first, Long.parseLong(earliest.group(1)));
        assertEquals("Every subscriber saw every event from where it joined: the services all 4,000, late-latest the last " +
            "2,000, late-earliest those and " + String.format("%,d", 2000 - first) + " before them from the ring's history.",
            run.line("Every subscriber saw every event"));
    }

    private static long counted(final String line)
    {
        final Matcher counted = COUNTED.matcher(line);
        assertTrue(counted.find(), line);
        long total = 0;
        for (int group = 1; group <= 3; group++)
        {
            total += Long.parseLong(counted.group(group).replace(",", ""));
        }
        return total;
    }
}
