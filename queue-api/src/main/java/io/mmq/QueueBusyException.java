package io.mmq;

import java.nio.file.Path;

/**
 * A role in a live queue is taken: the producer role is held by another producer, or every consumer
 * slot is in use. Nothing in the file was changed by the refused attempt.
 */
public class QueueBusyException extends MmqException
{
    public QueueBusyException(final Path file, final String problem)
    {
        super(file + ": " + problem);
    }
}
