package io.mmq.bridge.aeron;

import io.mmq.Producer;
import org.agrona.DirectBuffer;

/**
 * Where the inbound bridge keeps the source position of the last message it applied, and which source queue
 * that position counts in, so that a bridge started again after a crash knows both: in the queue itself, as
 * the producer's checkpoint and its source, which the queue records atomically with the message
 * ({@link Producer#attachCheckpoint(long, long)}). A {@code kill -9} at any point
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
     * @return the creation id of the source queue {@link #lastApplied} counts in, as recorded with it, or
     *         {@link Producer#NO_SOURCE} if that is not known (no checkpoint, a checkpoint of an older bridge, a
     *         queue older than format 7).
     */
    static long lastSource(final Producer producer)
    {
        return producer.checkpointSource();
    }

    /**
     * Publishes the message with {@code sourceEnd} as the queue's checkpoint, and {@code source} (the source
     * queue's creation id, or {@link Producer#NO_SOURCE} where the queue cannot keep it) as the checkpoint's
     * source, atomically with it.
     *
     * @return the queue position after it, or a negative status (the queue is full) and nothing was published;
     *         the checkpoint then stays attached for the next attempt, which is the same message.
     */
    static long publish(final Producer producer, final DirectBuffer buffer, final int offset, final int length,
        final long sourceEnd, final long source)
    {
        producer.attachCheckpoint(sourceEnd, source);
        return producer.offer(buffer, offset, length);
    }
}
