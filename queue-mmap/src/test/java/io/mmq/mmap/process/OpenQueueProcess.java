package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.MmqException;
import io.mmq.mmap.MappedQueue;

/**
 * Opens a queue and reports how it went: {@code OPENED}, or {@code REFUSED <message>} and exit 2.
 */
public final class OpenQueueProcess
{
    public static void main(final String[] args)
    {
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])))
        {
            System.out.println("OPENED capacity=" + queue.options().capacity());
        }
        catch (final MmqException ex)
        {
            System.out.println("REFUSED " + ex.getMessage());
            System.exit(2);
        }
    }
}
