package io.mmq.bridge.bench;

import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * When the next message is due: flat out (rate 0), or on a fixed schedule of {@code rate} messages a
 * second. A sender that falls behind the schedule sends what is due at once (it does not skip).
 *
 * <p>A paced message's clock is the time it was due when the sender was late for it: a sender held up (a
 * Kafka producer blocked in a commit, a queue producer held back by its bridge) delays its messages, and
 * that delay is part of their latency, counted alike on every path (no coordinated omission). A sender that
 * was early sleeps until the message is due, as a service sending a few thousand messages a second would,
 * and stamps the time it woke: how late the kernel wakes a sleeping thread belongs to neither path. It does
 * not spin while it waits: on two cores, a spinning sender would take a core from the very threads whose
 * latency is measured, and more from a path with more of them.
 *
 * <p>How late the sender woke is recorded ({@link #lateness()}): the kernel wakes it later on a busier
 * machine, so a path with more threads could hide part of its cost in that delay. The benchmark reports it
 * beside each latency row, so that a reader sees whether it differs between the paths.
 */
final class Pacer
{
    private final long intervalNanos;
    private final long start;
    private final Histogram wokeLate = new Histogram(60_000_000_000L, 3);

    Pacer(final long rate)
    {
        this.intervalNanos = rate <= 0 ? 0 : 1_000_000_000L / rate;
        this.start = System.nanoTime();
    }

    /**
     * @return the clock to stamp message {@code sequence} with, once it is due and the sender has not slept
     *         for it: when it was due, or now when flat out.
     */
    long stamp(final long sequence)
    {
        return intervalNanos == 0 ? System.nanoTime() : dueAt(sequence);
    }

    /** @return whether message {@code sequence} (from 0) is due now. */
    boolean due(final long sequence)
    {
        return intervalNanos == 0 || System.nanoTime() - dueAt(sequence) >= 0;
    }

    /**
     * Sleeps until message {@code sequence} is due, if it is not yet.
     *
     * @return the clock to stamp it with: when it was due if the sender was already late, else when the
     *         sender woke (at or after it was due).
     */
    long awaitDue(final long sequence)
    {
        if (intervalNanos == 0)
        {
            return System.nanoTime();
        }
        final long due = dueAt(sequence);
        long now = System.nanoTime();
        if (now - due >= 0)
        {
            return due;
        }
        do
        {
            LockSupport.parkNanos(due - now);
            now = System.nanoTime();
        }
        while (now - due < 0);
        wokeLate.recordValue(now - due);
        return now;
    }

    /**
     * @return {@code late-p50=N late-p99=N} in nanoseconds: how long after a message was due the sender woke
     *         to send it, over the messages it slept for (0 when it never slept).
     */
    String lateness()
    {
        return "late-p50=" + wokeLate.getValueAtPercentile(50) + " late-p99=" + wokeLate.getValueAtPercentile(99);
    }

    private long dueAt(final long sequence)
    {
        return start + sequence * intervalNanos;
    }
}
