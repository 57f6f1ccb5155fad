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
     * @return the geometry the queue was created with.
     */
    QueueOptions options();

    @Override
    void close();
}
