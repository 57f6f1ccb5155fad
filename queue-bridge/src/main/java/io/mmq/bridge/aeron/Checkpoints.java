package io.mmq.bridge.aeron;

import io.mmq.Producer;
import org.agrona.DirectBuffer;

/**
 * Where the inbound bridge keeps the source position of the last message it applied, so that a bridge
 * started again after a crash knows it: in the queue itself, with the message.
 *
 * <p>Not yet: the queue's checkpoint ({@code Producer.attachCheckpoint}) is being added on main. Until it is
 * merged, nothing is kept, and a restarted inbound bridge starts without a last applied position (it accepts
 * the first message it gets, as a new bridge does).
 */
final class Checkpoints
{
    private Checkpoints()
    {
    }

    /**
     * @return the source position after the last message applied by an earlier bridge, or -1 if none is known.
     */
    static long lastApplied(final Producer producer)
    {
        return -1;
    }

    /**
     * Publishes the message with {@code sourceEnd} as the queue's checkpoint, atomically with it.
     *
     * @return the queue position after it, or a negative status (the queue is full) and nothing was published.
     */
    static long publish(final Producer producer, final DirectBuffer buffer, final int offset, final int length,
        final long sourceEnd)
    {
        return producer.offer(buffer, offset, length);
    }
}
