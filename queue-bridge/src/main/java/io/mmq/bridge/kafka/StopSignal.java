package io.mmq.bridge.kafka;

import java.util.concurrent.TimeUnit;

/**
 * A bridge's request to stop, set from any thread (a shutdown hook, a test), and the pauses between
 * sessions that it cuts short.
 */
final class StopSignal
{
    private final Object lock = new Object();
    private volatile boolean stopped;

    /** Asks the bridge to stop and ends any pause. Safe from any thread, and twice. */
    void stop()
    {
        stopped = true;
        synchronized (lock)
        {
            lock.notifyAll();
        }
    }

    boolean stopped()
    {
        return stopped;
    }

    /**
     * Waits {@code millis}, or less if asked to stop meanwhile. An interrupt counts as a request to stop.
     */
    void pause(final long millis)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock)
        {
            long left;
            while (!stopped && (left = deadline - System.nanoTime()) > 0)
            {
                try
                {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
        }
    }
}
