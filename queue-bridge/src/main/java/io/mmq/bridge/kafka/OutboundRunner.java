package io.mmq.bridge.kafka;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.mmq.MessageQueue;

/**
 * Runs a prepared {@link KafkaOutbound} the way a command does: a line when it starts, a progress line
 * every interval, one line per session and failure, a last line when it stops; and on SIGTERM (or Ctrl-C)
 * it commits what it has sent before the JVM ends. Lines are {@code word key=value ...}:
 *
 * <pre>
 * started queue=/dev/shm/orders.mmq name=bridge:orders target=kafka://127.0.0.1:9092/orders transactional-id=mmq-bridge:orders
 * session topic-position=-1 consumer-position=0 producer-position=81920 last-offset=-1
 * progress forwarded=1200 inflight=300 lag=40960 retries=0 restarts=0 skipped=0 position=40960
 * restart in=100ms after TimeoutException: ...
 * stopped forwarded=... (the counters)
 * </pre>
 */
public final class OutboundRunner
{
    private OutboundRunner()
    {
    }

    /**
     * @param source   how to name the queue in the first line.
     * @param progress how often to print the counters; zero or null for never.
     */
    public static void run(final KafkaOutbound bridge, final MessageQueue queue, final String source, final PrintWriter out,
        final Duration progress)
    {
        out.println("started queue=" + source + " name=" + bridge.consumerName() + " target=" + bridge.target() +
            " transactional-id=" + bridge.transactionalId());
        out.flush();
        final CountDownLatch done = new CountDownLatch(1);
        final long grace = 2 * bridge.options().timeout().toMillis() + 5_000;
        final Thread hook = new Thread(() ->
        {
            bridge.stop();
            try
            {
                done.await(grace, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
        }, "mmq-bridge-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        final Thread printer = null == progress || progress.isZero() ? null : new Thread(() ->
        {
            try
            {
                while (true)
                {
                    Thread.sleep(progress.toMillis());
                    out.println("progress " + bridge.counters().line());
                    out.flush();
                }
            }
            catch (final InterruptedException ended)
            {
                // The bridge stopped.
            }
        }, "mmq-bridge-progress");
        if (null != printer)
        {
            printer.setDaemon(true);
            printer.start();
        }
        try
        {
            bridge.run(queue, line ->
            {
                out.println(line);
                out.flush();
            });
        }
        finally
        {
            if (null != printer)
            {
                printer.interrupt();
            }
            out.println("stopped " + bridge.counters().line());
            out.flush();
            done.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // The hook is running: it has just been released.
            }
        }
    }
}
