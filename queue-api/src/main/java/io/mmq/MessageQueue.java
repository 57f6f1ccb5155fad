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
     * Deletes the named consumer {@code name}: frees its slot and its hold on the producer.
     *
     * @throws ConsumerNameTakenException if a live process holds that name.
     * @throws MmqException if there is no consumer of that name.
     */
    void deleteConsumer(String name);

    /**
     * @return the geometry the queue was created with.
     */
    QueueOptions options();

    @Override
    void close();
}
