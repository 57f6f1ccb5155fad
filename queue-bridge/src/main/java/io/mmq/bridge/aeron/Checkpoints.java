package io.mmq.bridge.aeron;

import io.mmq.Producer;
import org.agrona.DirectBuffer;

/**
 * Where the inbound bridge keeps the source position of the last message it applied, so that a bridge
 * started again after a crash knows it: in the queue itself, as the producer's checkpoint, which the queue
 * records atomically with the message ({@link Producer#attachCheckpoint}). A {@code kill -9} at any point
 * leaves the checkpoint of the last message that is in the queue, never one whose message is not: a
 * restarted bridge neither applies a message twice nor takes one for applied that is not.
 */
final class Checkpoints
{
    private Checkpoints()
    {
    }

    /**
     * @return the source position after the last message applied by an earlier bridge (or any producer that
     *         set checkpoints on this queue), or -1 ({@link Producer#NO_CHECKPOINT}) if none is known.
     */
    static long lastApplied(final Producer producer)
    {
        return producer.checkpoint();
    }

    /**
     * Publishes the message with {@code sourceEnd} as the queue's checkpoint, atomically with it.
     *
     * @return the queue position after it, or a negative status (the queue is full) and nothing was published;
     *         the checkpoint then stays attached for the next attempt, which is the same message.
     */
    static long publish(final Producer producer, final DirectBuffer buffer, final int offset, final int length,
        final long sourceEnd)
    {
        producer.attachCheckpoint(sourceEnd);
        return producer.offer(buffer, offset, length);
    }
}
