package io.mmq.bridge.aeron;

/**
 * What the inbound UDP bridge has done, for progress lines and tests. Written by the bridge's thread only,
 * with ordered stores; read by any thread, each field on its own.
 */
public final class UdpInboundCounters
{
    final OrderedCounter applied = new OrderedCounter();
    final OrderedCounter duplicates = new OrderedCounter();
    final OrderedCounter gaps = new OrderedCounter();
    final OrderedCounter missing = new OrderedCounter();
    final OrderedCounter backPressured = new OrderedCounter();
    final OrderedCounter sourceChanges = new OrderedCounter();
    final OrderedCounter unnamed = new OrderedCounter();
    final OrderedCounter lastApplied = new OrderedCounter(-1);
    volatile int images;

    /** @return messages published into the queue by this process. */
    public long applied()
    {
        return applied.get();
    }

    /** @return messages dropped because their source position was at or before the last applied one. */
    public long duplicates()
    {
        return duplicates.get();
    }

    /** @return gaps reported: times a message did not follow the last applied one. */
    public long gaps()
    {
        return gaps.get();
    }

    /** @return bytes of the source queue's stream reported missing, summed over the gaps. */
    public long missing()
    {
        return missing.get();
    }

    /** @return times the queue was full when a message was to be published (once per held message). */
    public long backPressured()
    {
        return backPressured.get();
    }

    /** @return times the source queue changed: a sender named another queue than the last message applied came from. */
    public long sourceChanges()
    {
        return sourceChanges.get();
    }

    /**
     * @return messages dropped because their sender had not named its source queue yet (this bridge joined its
     *         stream part way); they are part of the gap reported once it has.
     */
    public long unnamed()
    {
        return unnamed.get();
    }

    /** @return the source position just after the last message applied, or -1 before the first. */
    public long lastApplied()
    {
        return lastApplied.get();
    }

    /** @return the counters as {@code key=value} pairs, for a progress line. */
    public String line()
    {
        return "applied=" + applied() + " duplicates=" + duplicates() + " gaps=" + gaps() + " missing=" + missing() +
            " backpressured=" + backPressured() + " source-changes=" + sourceChanges() + " unnamed=" + unnamed() +
            " images=" + images +
            " source-position=" + lastApplied();
    }
}
