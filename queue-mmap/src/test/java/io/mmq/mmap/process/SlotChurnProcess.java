package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.QueueBusyException;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * Joins and leaves a queue {@code rounds} times, as fast as it can, retrying when every slot is taken.
 * For each round it prints {@code HELD slot from to}: the {@link System#nanoTime()} just after joining
 * and just before leaving, a clock all processes on the machine share.
 */
public final class SlotChurnProcess
{
    public static void main(final String[] args)
    {
        final int rounds = Integer.parseInt(args[1]);
        final StringBuilder out = new StringBuilder();
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])))
        {
            for (int round = 0; round < rounds; round++)
            {
                Consumer consumer;
                while (true)
                {
                    try
                    {
                        consumer = queue.consumer(StartPosition.LATEST);
                        break;
                    }
                    catch (final QueueBusyException busy)
                    {
                        Thread.onSpinWait();
                    }
                }
                final long from = System.nanoTime();
                consumer.poll((buffer, offset, length) -> { }, 1);
                final long to = System.nanoTime();
                final int slot = consumer.slot();
                consumer.close();
                out.append("HELD ").append(slot).append(' ').append(from).append(' ').append(to).append('\n');
            }
        }
        System.out.print(out);
        System.out.println("DONE");
    }
}
