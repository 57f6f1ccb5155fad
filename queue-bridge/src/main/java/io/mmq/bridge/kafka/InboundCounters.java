package io.mmq.bridge.kafka;

/**
 * What the inbound bridge has done, for progress lines and tests. Written by the bridge's thread only,
 * read by any (each field on its own, not as one snapshot).
 */
public final class InboundCounters
{
    volatile long applied;
    volatile long lastOffset = -1;
    volatile long nextOffset = -1;
    volatile long endOffset = -1;
    volatile long backPressured;
    volatile long restarts;

    /** @return records this process published into the queue. */
    public long applied()
    {
        return applied;
    }

    /**
     * @return the offset of the last record in the queue: the queue's checkpoint (-1 if it has none).
     */
    public long lastOffset()
    {
        return lastOffset;
    }

    /**
     * @return offsets of the partition not yet in the queue, up to its end as the last fetch saw it (the
     *         last stable offset: records of open transactions are not counted yet). Offsets, not records:
     *         the commit markers of transactions have offsets too.
     */
    public long lag()
    {
        final long next = nextOffset;
        final long end = endOffset;
        return next < 0 || end < 0 ? 0 : Math.max(0, end - next);
    }

    /** @return records that found the queue full and had to wait for its consumers. */
    public long backPressured()
    {
        return backPressured;
    }

    /** @return sessions started again after a Kafka failure. */
    public long restarts()
    {
        return restarts;
    }

    /**
     * @return the counters as {@code key=value} pairs, for a progress line.
     */
    public String line()
    {
        return "applied=" + applied + " lag=" + lag() + " offset=" + lastOffset() + " backpressured=" + backPressured +
            " restarts=" + restarts;
    }
}
