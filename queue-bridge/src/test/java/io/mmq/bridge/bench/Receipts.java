package io.mmq.bridge.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

import org.HdrHistogram.Histogram;

/**
 * What a receiving role records: each message's latency from its send, that the sequence has neither gap
 * nor repeat, and when the first and last message arrived. Ends with one {@code RECEIVED} line and an
 * HdrHistogram percentile file.
 */
final class Receipts
{
    private final Histogram latency = new Histogram(60_000_000_000L, 3);
    private final long expected;
    private long next;
    private long firstAt;
    private long lastAt;

    Receipts(final long expected)
    {
        this.expected = expected;
    }

    /** @throws IllegalStateException on a gap or a repeat: a benchmark of a path that loses is void. */
    void received(final long sequence, final long sentAt)
    {
        final long now = System.nanoTime();
        if (sequence != next)
        {
            throw new IllegalStateException("expected message " + next + ", got " + sequence);
        }
        if (next == 0)
        {
            firstAt = now;
        }
        lastAt = now;
        next++;
        latency.recordValue(Math.max(0, now - sentAt));
    }

    boolean done()
    {
        return next >= expected;
    }

    long count()
    {
        return next;
    }

    /** Prints the summary line and writes the percentile file (in microseconds). */
    void report(final Path hgrm) throws IOException
    {
        final double seconds = Math.max(1, lastAt - firstAt) / 1e9;
        System.out.printf("RECEIVED count=%d rate=%.0f p50=%d p99=%d p999=%d max=%d%n", next,
            (next - 1) / seconds, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
            latency.getValueAtPercentile(99.9), latency.getMaxValue());
        try (PrintStream out = new PrintStream(new FileOutputStream(hgrm.toFile())))
        {
            latency.outputPercentileDistribution(out, 1000.0);
        }
    }
}
