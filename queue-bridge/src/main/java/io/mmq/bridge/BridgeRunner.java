package io.mmq.bridge;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a bridge the way a command does, whatever its engine: a line when it starts, a progress line every
 * interval, the bridge's own event lines, a last line when it stops; and on SIGTERM (or Ctrl-C) it asks the
 * bridge to stop and holds the JVM's exit until the bridge has returned, or a grace period has passed.
 * Lines are {@code word key=value ...}:
 *
 * <pre>
 * started ...                    (the line the caller gives)
 * progress forwarded=1200 ...    (the bridge's counters, every interval)
 * ...                            (the bridge's events)
 * stopped forwarded=...          (the counters, last)
 * </pre>
 */
public final class BridgeRunner
{
    private BridgeRunner()
    {
    }

    /**
     * @param started  the first line, naming the source, the target and how the bridge reads.
     * @param progress how often to print the counters; zero or null for never.
     * @param grace    how long a SIGTERM waits for the bridge to finish before the JVM ends anyway.
     */
    public static void run(final RunnableBridge bridge, final String started, final PrintWriter out,
        final Duration progress, final Duration grace)
    {
        out.println(started);
        out.flush();
        final CountDownLatch done = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            bridge.stop();
            try
            {
                done.await(grace.toMillis(), TimeUnit.MILLISECONDS);
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
                    synchronized (out)
                    {
                        out.println("progress " + bridge.counters());
                        out.flush();
                    }
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
            bridge.run(line ->
            {
                synchronized (out)
                {
                    out.println(line);
                    out.flush();
                }
            });
        }
        finally
        {
            if (null != printer)
            {
                printer.interrupt();
            }
            synchronized (out)
            {
                out.println("stopped " + bridge.counters());
                out.flush();
            }
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
