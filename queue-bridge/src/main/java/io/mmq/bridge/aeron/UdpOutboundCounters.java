package io.mmq.bridge.aeron;

/**
 * What the outbound UDP bridge has done, for progress lines and tests. Written by the bridge's thread only,
 * with ordered stores (no fence on the message path); read by any thread, each field on its own.
 */
public final class UdpOutboundCounters
{
    final OrderedCounter forwarded = new OrderedCounter();
    final OrderedCounter backPressured = new OrderedCounter();
    final OrderedCounter notConnected = new OrderedCounter();
    final OrderedCounter committedPosition = new OrderedCounter(-1);
    final OrderedCounter producerPosition = new OrderedCounter(-1);
    final OrderedCounter unsent = new OrderedCounter();
    volatile boolean connected;

    /** @return messages offered to the publication successfully (and committed) by this process. */
    public long forwarded()
    {
        return forwarded.get();
    }

    /** @return times an offer was refused BACK_PRESSURED (counted once per held message, not per retry). */
    public long backPressured()
    {
        return backPressured.get();
    }

    /** @return times an offer was refused because no inbound bridge was connected (once per held message). */
    public long notConnected()
    {
        return notConnected.get();
    }

    /** @return the queue position the bridge last committed for its named consumer, -1 before it opened it. */
    public long committedPosition()
    {
        return committedPosition.get();
    }

    /**
     * @return bytes offered to the Aeron publication and not yet sent by its driver, as last seen: while the far
     *         side is stalled or gone, what a {@code kill -9} of the bridge would lose.
     */
    public long unsent()
    {
        return unsent.get();
    }

    /** @return bytes of the queue not yet offered: the producer's position less the committed one, as last seen. */
    public long lag()
    {
        final long committed = committedPosition.get();
        final long producer = producerPosition.get();
        return committed < 0 || producer < 0 ? 0 : Math.max(0, producer - committed);
    }

    /** @return the counters as {@code key=value} pairs, for a progress line. */
    public String line()
    {
        return "forwarded=" + forwarded() + " unsent=" + unsent() + " lag=" + lag() + " backpressured=" +
            backPressured() + " notconnected=" + notConnected() + " connected=" + connected + " position=" +
            committedPosition();
    }
}
