package io.mmq.bridge.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

import org.HdrHistogram.Histogram;

/**
 * What a receiving role records: that the sequence has neither gap nor repeat, and, after the warm-up
 * messages, each message's latency from its send and when the first and last measured message arrived.
 * Ends with one {@code RECEIVED} line and an HdrHistogram percentile file.
 *
 * <p>The warm-up is there because every role is a fresh JVM: until the JIT has compiled the path, a message
 * takes the interpreter's time, and a path with more processes (a bridged one) has more code to warm. A
 * bridge runs for days; its first seconds are not what it costs.
 */
final class Receipts
{
    private final Histogram latency = new Histogram(60_000_000_000L, 3);
    private final long expected;
    private final long warmup;
    private long next;
    private long firstAt;
    private long lastAt;

    /**
     * @param expected messages in all, warm-up included.
     * @param warmup   the first messages, checked for order but neither timed nor counted in the rate.
     */
    Receipts(final long expected, final long warmup)
    {
        if (warmup < 0 || warmup >= expected)
        {
            throw new IllegalArgumentException("the warm-up (" + warmup + ") must leave messages to measure (" +
                expected + ")");
        }
        this.expected = expected;
        this.warmup = warmup;
    }

    /** @throws IllegalStateException on a gap or a repeat: a benchmark of a path that loses is void. */
    void received(final long sequence, final long sentAt)
    {
        final long now = System.nanoTime();
        if (sequence != next)
        {
            throw new IllegalStateException("expected message " + next + ", got " + sequence);
        }
        if (next++ < warmup)
        {
            return;
        }
        if (next == warmup + 1)
        {
            firstAt = now;
        }
        lastAt = now;
        latency.recordValue(Math.max(0, now - sentAt));
    }

    boolean done()
    {
        return next >= expected;
    }

    /** Prints the summary line and writes the percentile file (in microseconds). */
    void report(final Path hgrm) throws IOException
    {
        final double seconds = Math.max(1, lastAt - firstAt) / 1e9;
        System.out.printf("RECEIVED count=%d rate=%.0f p50=%d p99=%d p999=%d max=%d%n", next - warmup,
            (next - warmup - 1) / seconds, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
            latency.getValueAtPercentile(99.9), latency.getMaxValue());
        try (PrintStream out = new PrintStream(new FileOutputStream(hgrm.toFile())))
        {
            latency.outputPercentileDistribution(out, 1000.0);
        }
    }
}
