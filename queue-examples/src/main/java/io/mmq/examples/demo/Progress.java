package io.mmq.examples.demo;

import io.mmq.Consumer;

/**
 * Prints a progress line from a child process at most five times a second, checking the clock only
 * every few thousand calls so that reporting costs the hot loop nothing measurable.
 */
public final class Progress
{
    private static final long INTERVAL_NANOS = 200_000_000L;

    private final String prefix;
    private long nextReportAt = System.nanoTime() + INTERVAL_NANOS;
    private int calls;

    public Progress(final String prefix)
    {
        this.prefix = prefix;
    }

    public void maybeReport(final long count)
    {
        if (due(count))
        {
            System.out.println(prefix + count);
        }
    }

    /**
     * Reports a consumer's count with its lag, read only when a line is due. A poll that read nothing
     * checks the clock too: a blocked consumer's polls are few, and a line is due after each wait.
     */
    void maybeReport(final long count, final Consumer consumer, final int read)
    {
        if (due(count, read == 0))
        {
            System.out.println(prefix + count + " lag=" + consumer.lag());
        }
    }

    private boolean due(final long count)
    {
        return due(count, false);
    }

    private boolean due(final long count, final boolean idle)
    {
        if ((++calls & 4095) == 0 || count == 0 || idle)
        {
            final long now = System.nanoTime();
            if (now - nextReportAt >= 0)
            {
                nextReportAt = now + INTERVAL_NANOS;
                return true;
            }
        }
        return false;
    }
}
