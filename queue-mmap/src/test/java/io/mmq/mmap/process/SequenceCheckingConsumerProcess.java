package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * Reads messages made by {@link RestartingProducerProcess}: each must carry the next sequence number
 * (no gap, no repeat) and intact content. Arguments: file seed maxLength count.
 * Prints {@code JOINED}, then {@code DONE received=N} or {@code FAILED ...} and exits 1.
 */
public final class SequenceCheckingConsumerProcess
{
    private static long next;

    public static void main(final String[] args)
    {
        final CheckedMessages messages = new CheckedMessages(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        final long count = Long.parseLong(args[3]);
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            System.out.println("JOINED");
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            while (next < count)
            {
                idle.idle(consumer.poll((DirectBuffer buffer, int offset, int length) ->
                {
                    final long seq = buffer.getLong(offset);
                    if (seq != next)
                    {
                        throw new AssertionError("expected message " + next + ", got " + seq);
                    }
                    final String failure = messages.check(buffer, offset + 8, length - 8, seq);
                    if (null != failure)
                    {
                        throw new AssertionError(failure);
                    }
                    next++;
                }, 256));
            }
            System.out.println("DONE received=" + next);
        }
        catch (final Throwable ex)
        {
            System.out.println("FAILED " + ex);
            System.exit(1);
        }
    }
}
