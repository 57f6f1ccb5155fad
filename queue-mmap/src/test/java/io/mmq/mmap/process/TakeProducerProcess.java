package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.QueueBusyException;
import io.mmq.mmap.MappedQueue;

/**
 * Tries to take the producer role of a queue. Prints {@code PRODUCER} and exits 0, or prints
 * {@code BUSY <message>} and exits 2.
 */
public final class TakeProducerProcess
{
    public static void main(final String[] args)
    {
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])))
        {
            queue.producer().close();
            System.out.println("PRODUCER");
        }
        catch (final QueueBusyException ex)
        {
            System.out.println("BUSY " + ex.getMessage());
            System.exit(2);
        }
    }
}
