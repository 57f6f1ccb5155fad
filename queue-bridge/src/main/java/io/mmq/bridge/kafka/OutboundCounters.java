package io.mmq.bridge.kafka;

/**
 * What the outbound bridge has done, for progress lines and tests. Written by the bridge's thread only,
 * read by any (each field on its own, not as one snapshot).
 */
public final class OutboundCounters
{
    volatile long forwarded;
    volatile long inFlight;
    volatile long skipped;
    volatile long transactions;
    volatile long retries;
    volatile long restarts;
    volatile long committedPosition = -1;
    volatile long producerPosition = -1;
    volatile long topicPosition = -1;

    /** @return messages this process forwarded whose transaction Kafka committed. */
    public long forwarded()
    {
        return forwarded;
    }

    /** @return messages sent in the open transaction, not yet committed. */
    public long inFlight()
    {
        return inFlight;
    }

    /** @return messages read and not sent because the topic already had them (after a restart). */
    public long skipped()
    {
        return skipped;
    }

    /** @return Kafka transactions committed by this process. */
    public long transactions()
    {
        return transactions;
    }

    /** @return record batches the Kafka producer sent again, summed over its sessions. */
    public long retries()
    {
        return retries;
    }

    /** @return sessions started again after a Kafka failure. */
    public long restarts()
    {
        return restarts;
    }

    /** @return the queue position the bridge last committed for its named consumer, or -1 before it opened it. */
    public long committedPosition()
    {
        return committedPosition;
    }

    /**
     * @return bytes of the queue not yet in Kafka: from the consumer's committed position to the producer's
     *         position when last looked at.
     */
    public long lag()
    {
        final long committed = committedPosition;
        final long producer = producerPosition;
        return committed < 0 || producer < 0 ? 0 : Math.max(0, producer - committed);
    }

    /**
     * @return the source position carried by the topic's last record when the current session started, or
     *         -1 if the topic had none.
     */
    public long topicPosition()
    {
        return topicPosition;
    }

    /**
     * @return the counters as {@code key=value} pairs, for a progress line.
     */
    public String line()
    {
        return "forwarded=" + forwarded + " inflight=" + inFlight + " lag=" + lag() + " retries=" + retries +
            " restarts=" + restarts + " skipped=" + skipped + " position=" + committedPosition;
    }
}
