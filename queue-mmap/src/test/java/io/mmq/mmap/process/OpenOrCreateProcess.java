package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;

/**
 * Opens or creates a queue, as many processes may at once. Prints {@code OPENED capacity=C}.
 */
public final class OpenOrCreateProcess
{
    public static void main(final String[] args)
    {
        final QueueOptions options = QueueOptions.defaults().withCapacity(Integer.parseInt(args[1]));
        try (MappedQueue queue = MappedQueue.openOrCreate(Path.of(args[0]), options))
        {
            System.out.println("OPENED capacity=" + queue.options().capacity());
        }
    }
}
