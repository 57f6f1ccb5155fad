package io.mmq.bridge;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
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
    /** Told apart by identity: the writer thread's last line. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String END_OF_LINES = new String("end of lines");

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
        run(bridge, started, out, progress, grace, null);
    }

    /**
     * As {@link #run(RunnableBridge, String, PrintWriter, Duration, Duration)}, and keeps the bridge's status
     * file ({@link BridgeStatus}, what {@code mmq stat} shows) with the counters of each progress line, marked
     * stopped at the end. A status file that cannot be written is said once and does not stop the bridge.
     *
     * @param status the bridge's status file, started; null for none.
     */
    public static void run(final RunnableBridge bridge, final String started, final PrintWriter out,
        final Duration progress, final Duration grace, final BridgeStatus status)
    {
        out.println(started);
        out.flush();
        // Every later line but the last goes through one writer thread: a bridge's thread must never wait for
        // standard output (a paused terminal, a reader that fell behind). An Aeron bridge runs its media
        // driver on that thread, and a driver left alone for 10 s is given up by its client.
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread writer = new Thread(() ->
        {
            try
            {
                String line;
                while (END_OF_LINES != (line = lines.take()))
                {
                    out.println(line);
                    out.flush();
                }
            }
            catch (final InterruptedException ended)
            {
                // The JVM is ending.
            }
        }, "mmq-bridge-output");
        writer.setDaemon(true);
        writer.start();
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
                boolean statusFailed = false;
                while (true)
                {
                    Thread.sleep(progress.toMillis());
                    final String counters = bridge.counters();
                    lines.add("progress " + counters);
                    if (null != status && !statusFailed)
                    {
                        try
                        {
                            status.update(counters);
                        }
                        catch (final java.io.UncheckedIOException ex)
                        {
                            statusFailed = true;
                            lines.add("notice the status file is not kept: " + ex.getMessage());
                        }
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
            bridge.run(lines::add);
        }
        finally
        {
            if (null != printer)
            {
                printer.interrupt();
                joinQuietly(printer); // so that no progress line or status follows the last ones
            }
            lines.add(END_OF_LINES);
            joinQuietly(writer);
            final String counters = bridge.counters();
            out.println("stopped " + counters);
            out.flush();
            if (null != status)
            {
                try
                {
                    status.stop(counters);
                }
                catch (final java.io.UncheckedIOException ex)
                {
                    // Said when it first failed; the bridge's own end matters more.
                }
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

    private static void joinQuietly(final Thread thread)
    {
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
