package io.mmq;

import java.time.Duration;
import java.util.Objects;

/**
 * When a producer writes its messages back to the file's storage ({@code msync}). Flushing matters only
 * for a queue on a real disk and only for an operating-system crash or power cut: a process crash loses
 * nothing committed either way, because committed messages are in the page cache. A queue on tmpfs
 * ({@code /dev/shm}) has no storage to flush to and keeps nothing across a reboot.
 */
public final class FlushPolicy
{
    private static final FlushPolicy NEVER = new FlushPolicy(Long.MAX_VALUE);
    private static final FlushPolicy EVERY_MESSAGE = new FlushPolicy(0);

    private final long intervalNanos;

    private FlushPolicy(final long intervalNanos)
    {
        this.intervalNanos = intervalNanos;
    }

    /**
     * The default: the producer never flushes by itself; the OS writes pages back when it chooses, and
     * {@link Producer#flush()} flushes on demand.
     */
    public static FlushPolicy never()
    {
        return NEVER;
    }

    /**
     * Flush each message as it is published, before {@code offer} or {@code commit} returns: a message
     * whose publication returned survives a power cut. The slowest policy by far.
     */
    public static FlushPolicy everyMessage()
    {
        return EVERY_MESSAGE;
    }

    /**
     * Flush when publishing a message at least {@code interval} after the last flush, and on close: at most
     * about {@code interval} of messages, plus whatever was published since the producer last published, can
     * be lost to a power cut.
     */
    public static FlushPolicy every(final Duration interval)
    {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero())
        {
            throw new IllegalArgumentException("flush interval must be positive: " + interval);
        }
        return new FlushPolicy(interval.toNanos());
    }

    /**
     * @return nanoseconds between flushes: 0 for every message, {@code Long.MAX_VALUE} for never.
     */
    public long intervalNanos()
    {
        return intervalNanos;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof FlushPolicy && ((FlushPolicy)o).intervalNanos == intervalNanos;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(intervalNanos);
    }

    @Override
    public String toString()
    {
        if (intervalNanos == Long.MAX_VALUE)
        {
            return "never";
        }
        if (intervalNanos == 0)
        {
            return "every message";
        }
        return intervalNanos % 1_000_000 == 0 ? "every " + intervalNanos / 1_000_000 + " ms" :
            "every " + intervalNanos + " ns";
    }
}
