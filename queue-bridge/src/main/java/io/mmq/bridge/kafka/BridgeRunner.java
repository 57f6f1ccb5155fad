package io.mmq.bridge.kafka;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;


/**
 * Runs a bridge the way a command does, for either direction: a {@code started ...} line, a
 * {@code progress ...} line every interval, the bridge's own lines (sessions, failures, notices), and a
 * {@code stopped ...} line with the counters when it ends. On SIGTERM (or Ctrl-C) a shutdown hook asks the
 * bridge to stop and holds the JVM until it has (within its grace), so that what it was doing is finished
 * cleanly rather than cut off.
 */
final class BridgeRunner
{
    private BridgeRunner()
    {
    }

    /**
     * @param work     runs the bridge until it stops, giving its event lines to the consumer it is handed.
     * @param started  the first line, without a newline.
     * @param progress how often to print the counters; zero or null for never.
     */
    static void run(final StoppableBridge bridge, final Consumer<Consumer<String>> work, final String started,
        final PrintWriter out, final Duration progress)
    {
        out.println(started);
        out.flush();
        final CountDownLatch done = new CountDownLatch(1);
        final long grace = bridge.stopGrace().toMillis();
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
                    out.println("progress " + bridge.counterLine());
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
            work.accept(line ->
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
            out.println("stopped " + bridge.counterLine());
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
