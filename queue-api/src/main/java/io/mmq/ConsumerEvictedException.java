package io.mmq;

import java.nio.file.Path;

/**
 * The producer evicted this consumer because it fell too far behind (the queue's
 * {@link SlowConsumerPolicy}). Every message before {@link #position()} was delivered intact; from there
 * on, this consumer missed messages. The message handed to the handler in the poll that throws this, if
 * any, starts at {@link #position()} and may have been overwritten while the handler read it: treat it
 * as not delivered. The consumer can do nothing more: close it, and open a new one to go on.
 */
public class ConsumerEvictedException extends MmqException
{
    private final long position;

    public ConsumerEvictedException(final Path file, final int slot, final long evictionLag, final long position)
    {
        super(file + ": the consumer in slot " + slot + " was evicted for lagging more than " + evictionLag +
            " bytes behind the producer; it has every message before position " + position +
            " and missed those from there on. Close it and open a new consumer to go on.");
        this.position = position;
    }

    /**
     * @return the position of the first message this consumer did not get intact.
     */
    public long position()
    {
        return position;
    }
}
