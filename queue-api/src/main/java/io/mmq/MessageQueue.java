package io.mmq;

/**
 * An open queue: the handle from which producers and consumers are made. Closing it closes every
 * producer and consumer made from it.
 */
public interface MessageQueue extends AutoCloseable
{
    /**
     * Takes the producer role.
     *
     * @throws QueueBusyException if another producer, in this or any other process, holds it.
     */
    Producer producer();

    /**
     * Joins the queue as a new consumer.
     *
     * @throws QueueBusyException if every consumer slot is taken.
     */
    Consumer consumer(StartPosition start);

    /**
     * Opens the consumer named in {@code options}: resumes where the name's last holder stopped, or
     * joins at the options' start if the name is new.
     *
     * @throws ConsumerNameTakenException if a live process holds that name.
     * @throws QueueBusyException if the name is new and every consumer slot is taken.
     */
    Consumer consumer(ConsumerOptions options);

    /**
     * Joins the consumer group named in {@code options}, creating it if it does not exist. The group shares
     * the stream among its members: each message is handled by exactly one member, in position order
     * within a member's batch. A member that dies or closes with messages claimed and not yet handled
     * leaves them to another member, which handles them once it has no claim of its own: those are the
     * only messages a member can see that another member saw before (see {@link GroupOptions}).
     *
     * <p>The returned consumer's {@link Consumer#poll} hands it its share; its progress is stored after
     * each handled message, so {@link Consumer#commit()} does nothing.
     *
     * @throws QueueBusyException if no consumer slot is free for the member (or for a new group).
     * @throws MmqException if the name belongs to a named consumer, or the queue evicts slow consumers
     *                      (groups are never evicted: such a queue refuses them).
     */
    Consumer groupMember(GroupOptions options);

    /**
     * Deletes the named consumer or consumer group {@code name}: frees its slots and its hold on the
     * producer. A group's unfinished claims are given up with it.
     *
     * @throws ConsumerNameTakenException if a live process holds that name (for a group: any live member).
     * @throws MmqException if there is no consumer of that name.
     */
    void deleteConsumer(String name);

    /**
     * @return the geometry the queue was created with.
     */
    QueueOptions options();

    /**
     * Which file this is, beyond its path: a random non-zero number chosen when the queue was created,
     * which a queue deleted and created again at the same path does not share. Whoever keeps a place in
     * a queue (a position, say) across restarts should keep this with it, since a new queue's positions
     * start at 0 again.
     *
     * @return the queue's creation id, or {@link #NO_CREATION_ID} for a file made by an mmq older than
     *         format version 7, which has none (and by default, for a queue that is not a file).
     */
    default long creationId()
    {
        return NO_CREATION_ID;
    }

    /** The creation id of a file made by an mmq older than format version 7. */
    long NO_CREATION_ID = 0L;

    @Override
    void close();
}
