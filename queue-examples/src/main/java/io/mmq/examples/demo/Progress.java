package io.mmq.examples.demo;

import io.mmq.Consumer;

/**
 * Prints a progress line from a child process at most five times a second, checking the clock only
 * every few thousand calls (or when the caller asks, where calls are few) so that reporting costs the
 * hot loop nothing measurable.
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
     * Reports a consumer's count with its lag, read only when a line is due.
     *
     * @param lookAtTheClock whether to check the time now rather than every few thousand calls: where
     *                       polls are few (a blocking consumer's).
     */
    void maybeReport(final long count, final Consumer consumer, final boolean lookAtTheClock)
    {
        if (due(count, lookAtTheClock))
        {
            System.out.println(prefix + count + " lag=" + consumer.lag());
        }
    }

    private boolean due(final long count)
    {
        return due(count, false);
    }

    private boolean due(final long count, final boolean lookAtTheClock)
    {
        if ((++calls & 4095) == 0 || count == 0 || lookAtTheClock)
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
