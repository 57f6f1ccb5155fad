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
}
