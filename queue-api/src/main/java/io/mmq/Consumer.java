package io.mmq;

/**
 * One reader of a queue. Every consumer receives every message published after its start position,
 * exactly once and in order; consumers do not share or steal messages from each other. While a
 * consumer is open, the producer never overwrites a message it has not yet read.
 *
 * <p>Memory ordering: the actions of the producer before it published a message happen-before the
 * return of {@link #poll} calls that deliver that message, across processes.
 *
 * <p>A consumer is not thread-safe: use it from one thread at a time.
 */
public interface Consumer extends AutoCloseable
{
    /**
     * Delivers up to {@code limit} available messages to {@code handler}, without waiting, then records
     * the new position so the producer may reuse the space. A message whose handler throws counts as
     * read; the exception propagates.
     *
     * @return the number of messages delivered, {@code 0} if none was available.
     * @throws QueueFormatException if the record at the consumer's position is corrupt; the consumer
     *         neither reads outside the ring nor moves past the bad record.
     */
    int poll(MessageHandler handler, int limit);

    /**
     * Delivers up to {@code limit} messages like {@link #poll(MessageHandler, int)}, but when none is
     * available waits up to {@code timeout} for one, asleep in the kernel where the platform allows (a
     * futex on Linux): an idle consumer uses no CPU, and the producer pays for a wake-up only while some
     * consumer sleeps. Use it as a blocking idle strategy.
     *
     * @return the number of messages delivered, {@code 0} if none arrived before the timeout.
     */
    int poll(MessageHandler handler, int limit, long timeout, java.util.concurrent.TimeUnit unit);

    /**
     * Stores this consumer's position in the file, so that a named consumer opened after this one
     * resumes here: for a named consumer with {@link ConsumerOptions.Commit#EXPLICIT} commits, call it after
     * processing what was polled; called from inside a handler, it commits the message being handled
     * and every one before it, once the handler has returned (the stored position is what keeps the
     * producer off the message's bytes). Every other consumer stores its position after each poll, and this does
     * nothing for it.
     */
    void commit();

    /**
     * @return the position of the next message this consumer will read (inside a handler: the one after
     *         the message being handled).
     */
    long position();

    /**
     * @return how many bytes of published messages this consumer has not yet read.
     */
    long lag();

    /**
     * @return which consumer slot of the queue file this consumer holds.
     */
    int slot();

    /**
     * Leaves the queue: frees the slot and releases the producer from waiting on this consumer. A named
     * consumer keeps its slot, its name and its last stored position for the next process that opens it
     * (uncommitted polls are not stored). Safe to call twice.
     */
    @Override
    void close();
}
