package io.mmq.mmap.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * Opens {@code consumers} consumers in one process and reads with all of them, round robin, until each
 * has received {@code count} messages numbered 0, 1, 2, ... in their first 8 bytes.
 *
 * <p>Arguments: file consumers count. Prints {@code JOINED n}, waits for a line on standard input, then
 * prints {@code DONE consumers=n received=total} or {@code FAILED ...}.
 */
public final class ManyConsumersProcess
{
    public static void main(final String[] args) throws Exception
    {
        final int consumers = Integer.parseInt(args[1]);
        final long count = Long.parseLong(args[2]);
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])))
        {
            final List<Consumer> joined = new ArrayList<>();
            for (int i = 0; i < consumers; i++)
            {
                joined.add(queue.consumer(StartPosition.LATEST));
            }
            System.out.println("JOINED " + consumers);
            final long[] next = new long[consumers];
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            long total = 0;
            while (total < count * consumers)
            {
                int work = 0;
                for (int i = 0; i < consumers; i++)
                {
                    final int index = i;
                    work += joined.get(i).poll((buffer, offset, length) ->
                    {
                        final long seq = buffer.getLong(offset);
                        if (seq != next[index])
                        {
                            System.out.println("FAILED consumer " + index + " expected " + next[index] + " got " + seq);
                            System.exit(1);
                        }
                        next[index]++;
                    }, 64);
                }
                total += work;
                idle.idle(work);
            }
            System.out.println("DONE consumers=" + consumers + " received=" + total);
        }
    }
}
