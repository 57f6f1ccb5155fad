package io.mmq;

import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;

/**
 * The single writer of a queue. At most one producer exists per queue file at a time, across all
 * processes; opening a second one fails with {@link QueueBusyException}.
 *
 * <p>Methods return the queue position after the published message (a positive, increasing byte
 * position) or one of the negative status codes below; the caller chooses how to wait.
 *
 * <p>Memory ordering: everything a producer process wrote before a successful {@code offer} or
 * {@code commit} (the message bytes above all) is visible to any consumer, in any process, that
 * receives that message. Messages are received in the order they were published.
 *
 * <p>A producer is not thread-safe: use it from one thread at a time.
 */
public interface Producer extends AutoCloseable
{
    /**
     * The ring has no room: some active consumer has not yet read what would be overwritten. Nothing was
     * written; try again later.
     */
    long BACK_PRESSURED = -1;

    /**
     * The producer or its queue was closed.
     */
    long CLOSED = -2;

    /**
     * What {@link #checkpoint()} returns when no published message carried a checkpoint.
     */
    long NO_CHECKPOINT = -1;

    /**
     * What {@link #checkpointSource()} returns for a checkpoint attached without a source, and when there
     * is no checkpoint.
     */
    long NO_SOURCE = 0;

    /**
     * Publishes a copy of {@code buffer[offset, offset + length)} if the ring has room, without waiting.
     *
     * @return the new position, or {@link #BACK_PRESSURED} or {@link #CLOSED}.
     * @throws IllegalArgumentException if {@code length} is negative or exceeds {@link #maxMessageLength()};
     *         the ring is left untouched.
     */
    long offer(DirectBuffer buffer, int offset, int length);

    /**
     * Publishes like {@link #offer(DirectBuffer, int, int)}, waiting up to {@code timeout} for room.
     *
     * @return the new position, or {@link #BACK_PRESSURED} if the ring was still full at the deadline,
     *         or {@link #CLOSED}.
     */
    long offer(DirectBuffer buffer, int offset, int length, long timeout, TimeUnit unit);

    /**
     * Claims room for a message of {@code length} bytes to be written in place; see {@link BufferClaim}.
     *
     * @return the position the message will end at once committed, or {@link #BACK_PRESSURED} or
     *         {@link #CLOSED}; on a negative return the claim is untouched.
     * @throws IllegalArgumentException if {@code length} is negative or exceeds {@link #maxMessageLength()}.
     */
    long tryClaim(int length, BufferClaim claim);

    /**
     * Makes the next message this producer publishes (by either {@code offer}, or by the {@code commit} of
     * a claim) carry {@code checkpoint}, a number of the caller's choosing such as the offset of the
     * message in the system it came from. The checkpoint is recorded in the queue file atomically with
     * that message: whenever a producer process dies (short of the operating system going down with
     * writes not yet flushed), a producer opened later finds as {@link #checkpoint()} the checkpoint of
     * the last message that carried one and is in the queue, never one whose message is not. That is what
     * lets a process that copies messages in from elsewhere resume after a crash without skipping or
     * repeating one.
     *
     * <p>The checkpoint stays attached until a message is published: an offer that returns
     * {@link #BACK_PRESSURED} or {@link #CLOSED}, or throws, and an aborted claim leave it attached to
     * the next attempt. Attaching again replaces it; attaching {@link #NO_CHECKPOINT} detaches it, which a
     * caller that gives up on a message should do before publishing another.
     *
     * @param checkpoint zero or more, or {@link #NO_CHECKPOINT}.
     * @throws IllegalArgumentException if {@code checkpoint} is negative and not {@link #NO_CHECKPOINT}.
     * @throws MmqException if the queue file's format is too old to keep checkpoints.
     */
    void attachCheckpoint(long checkpoint);

    /**
     * Attaches {@code checkpoint} as {@link #attachCheckpoint(long)} does, together with {@code source}, a
     * number that names where the checkpoint's numbers count (the creation id of the queue being copied,
     * a hash of a topic's id). Both are recorded atomically with the message, and a producer opened later
     * finds the source as {@link #checkpointSource()}: a process that copies messages in can then tell
     * that what it copies from now is not what its checkpoint counted in (a source recreated, or another
     * one), where the checkpoint alone would make it skip or repeat.
     *
     * <p>The default implementation keeps no sources: it attaches a checkpoint without one and refuses any
     * other source.
     *
     * @param source any non-zero number; {@link #NO_SOURCE} (zero) if the checkpoint has none.
     * @throws MmqException if the queue file's format is too old to keep checkpoints, or, for a source
     *         other than {@link #NO_SOURCE}, to keep checkpoint sources (format version 7).
     */
    default void attachCheckpoint(long checkpoint, long source)
    {
        if (source != NO_SOURCE)
        {
            throw new MmqException("this producer keeps no checkpoint sources");
        }
        attachCheckpoint(checkpoint);
    }

    /**
     * @return the checkpoint of the last published message that carried one, by this producer or an
     *         earlier one, or {@link #NO_CHECKPOINT}.
     */
    long checkpoint();

    /**
     * @return the source attached with {@link #checkpoint()}, or {@link #NO_SOURCE} if it had none, there
     *         is no checkpoint, or the queue file is older than format version 7.
     */
    default long checkpointSource()
    {
        return NO_SOURCE;
    }

    /**
     * Writes every message published so far back to the file's storage and waits until it is there, so
     * that it survives an operating-system crash or power cut (for a queue on a real disk). Costly: a
     * system call and disk I/O. See {@link FlushPolicy} for flushing automatically.
     */
    void flush();

    /**
     * @return the position after the last published message.
     */
    long position();

    /**
     * @return the largest message this queue accepts, in bytes.
     */
    int maxMessageLength();

    /**
     * Gives up the producer role. Published messages stay in the queue. Safe to call twice.
     */
    @Override
    void close();
}
