package io.mmq.bridge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a bridge's command prints, and that printing never holds the bridge up.
 */
class BridgeRunnerTest
{
    @Test
    void aBridgeRunsOnWhileStandardOutputIsBlockedAndEveryLineComesOutInOrderOnceItFlowsAgain() throws Exception
    {
        final BlockingOutput output = new BlockingOutput();
        final PrintWriter out = new PrintWriter(output, false, StandardCharsets.UTF_8);
        final CountDownLatch eventsGiven = new CountDownLatch(1);
        final RunnableBridge bridge = new RunnableBridge()
        {
            @Override
            public void run(final Consumer<String> events)
            {
                output.block(); // from here on, nothing written to standard output gets through
                for (int i = 0; i < 1000; i++)
                {
                    events.accept("event " + i);
                }
                eventsGiven.countDown();
            }

            @Override
            public void stop()
            {
            }

            @Override
            public String counters()
            {
                return "forwarded=1000";
            }
        };
        final Thread runner = new Thread(() -> BridgeRunner.run(bridge, "started test", out, null, Duration.ofSeconds(1)));
        runner.start();

        assertTrue(eventsGiven.await(30, TimeUnit.SECONDS),
            "the bridge gave all its events while standard output was blocked");
        output.unblock();
        runner.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(runner.isAlive());

        final List<String> lines = output.text().lines().toList();
        assertEquals(1002, lines.size(), output.text());
        assertEquals("started test", lines.get(0));
        for (int i = 0; i < 1000; i++)
        {
            assertEquals("event " + i, lines.get(i + 1));
        }
        assertEquals("stopped forwarded=1000", lines.get(1001), "the last line comes after every event");
    }

    /** Standard output that can be made to block, as a paused terminal or a reader that fell behind does. */
    private static final class BlockingOutput extends OutputStream
    {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean blocked;

        synchronized void block()
        {
            blocked = true;
        }

        synchronized void unblock()
        {
            blocked = false;
            notifyAll();
        }

        synchronized String text()
        {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void write(final int b) throws IOException
        {
            awaitFlowing();
            bytes.write(b);
        }

        @Override
        public synchronized void write(final byte[] b, final int off, final int len) throws IOException
        {
            awaitFlowing();
            bytes.write(b, off, len);
        }

        private void awaitFlowing() throws IOException
        {
            while (blocked)
            {
                try
                {
                    wait();
                }
                catch (final InterruptedException ex)
                {
                    throw new java.io.InterruptedIOException();
                }
            }
        }
    }
}
