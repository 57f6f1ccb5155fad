package io.mmq;

/**
 * What the producer does about a consumer that is alive but falls behind. Part of a queue's geometry:
 * stored in the file when it is created, so every producer of the queue, including one that takes over,
 * applies the same policy, and every consumer knows whether it can be evicted.
 *
 * <ul>
 *   <li>{@link #block()} (the default): the producer waits for the slowest consumer; nothing is ever
 *       lost, and one stalled consumer stalls the stream.</li>
 *   <li>{@link #evictAfterLag(long)}: the producer evicts a consumer that would lag more than the given
 *       number of bytes behind it, and goes on without it. The evicted consumer is told at its next
 *       poll, with a {@link ConsumerEvictedException} that says from which position it missed messages:
 *       loss, but never silent loss.</li>
 * </ul>
 */
public final class SlowConsumerPolicy
{
    private static final SlowConsumerPolicy BLOCK = new SlowConsumerPolicy(0);

    private final long evictionLag;

    private SlowConsumerPolicy(final long evictionLag)
    {
        this.evictionLag = evictionLag;
    }

    /** The producer waits for every consumer. */
    public static SlowConsumerPolicy block()
    {
        return BLOCK;
    }

    /**
     * The producer evicts a consumer that would otherwise lag more than {@code bytes} behind it. The lag is
     * checked when the producer looks for room, at least once per quarter of the ring it writes, so a
     * consumer can be evicted up to a quarter ring after it first passed the bound. The bound must be at
     * least one largest frame and at most the ring's capacity, which {@link QueueOptions} checks; at the
     * capacity, a consumer is evicted exactly when it would otherwise block the producer.
     *
     * @param bytes the largest lag tolerated, positive.
     */
    public static SlowConsumerPolicy evictAfterLag(final long bytes)
    {
        if (bytes <= 0)
        {
            throw new IllegalArgumentException("the eviction lag must be positive: " + bytes);
        }
        return new SlowConsumerPolicy(bytes);
    }

    /**
     * @return the lag in bytes past which a consumer is evicted, or 0 if consumers are never evicted.
     */
    public long evictionLag()
    {
        return evictionLag;
    }

    public boolean evicts()
    {
        return evictionLag > 0;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof SlowConsumerPolicy && ((SlowConsumerPolicy)o).evictionLag == evictionLag;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(evictionLag);
    }

    @Override
    public String toString()
    {
        return evicts() ? "evict after a lag of " + evictionLag + " bytes" : "block";
    }
}
