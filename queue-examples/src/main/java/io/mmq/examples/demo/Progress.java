package io.mmq.examples.demo;

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
        maybeReport(count, "");
    }

    void maybeReport(final long count, final String suffix)
    {
        if ((++calls & 4095) == 0 || count == 0)
        {
            final long now = System.nanoTime();
            if (now - nextReportAt >= 0)
            {
                nextReportAt = now + INTERVAL_NANOS;
                System.out.println(prefix + count + suffix);
            }
        }
    }
}
