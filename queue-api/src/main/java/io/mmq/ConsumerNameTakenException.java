package io.mmq;

import java.nio.file.Path;

/**
 * A named consumer is open in a live process (this one included): a name has one holder at a time.
 */
public class ConsumerNameTakenException extends QueueBusyException
{
    public ConsumerNameTakenException(final Path file, final String name, final long holderPid)
    {
        super(file, "the consumer named '" + name + "' is open in a live process (pid " + holderPid +
            "); a name has one holder at a time");
    }

    private ConsumerNameTakenException(final Path file, final String message)
    {
        super(file, message);
    }

    /**
     * @return the refusal to delete the consumer group {@code group} while a member of it lives.
     */
    public static ConsumerNameTakenException groupInUse(final Path file, final String group, final long memberPid)
    {
        return new ConsumerNameTakenException(file, "the consumer group '" + group + "' has a live member (pid " +
            memberPid + "); delete it once none of its members runs");
    }
}
