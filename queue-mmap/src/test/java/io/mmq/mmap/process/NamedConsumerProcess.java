package io.mmq.mmap.process;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.ConsumerOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;

/**
 * A service reading as a named consumer with explicit commits, committing after every
 * {@code commitEvery} messages it has processed (checked sequence and content), after the poll that reached them. Arguments: file name
 * seed maxLength count commitEvery. Prints {@code JOINED} once it holds the name, {@code FIRST seq=S} for the first message it gets,
 * {@code COMMITTED through=S} after each commit returns, and {@code DONE} after committing the last
 * message; {@code FAILED ...} and exit 1 on a gap, a repeat within its run, or a damaged message.
 */
public final class NamedConsumerProcess
{
    private static long next = -1;
    private static long processed;

    public static void main(final String[] args)
    {
        final CheckedMessages messages = new CheckedMessages(Long.parseLong(args[2]), Integer.parseInt(args[3]));
        final long count = Long.parseLong(args[4]);
        final int commitEvery = Integer.parseInt(args[5]);
        final ConsumerOptions options = ConsumerOptions.named(args[1]).startingAt(StartPosition.EARLIEST)
            .withCommit(ConsumerOptions.Commit.EXPLICIT);
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])); Consumer consumer = queue.consumer(options))
        {
            System.out.println("JOINED");
            long committedThrough = -1;
            while (next < count)
            {
                consumer.poll((buffer, offset, length) ->
                {
                    final long seq = buffer.getLong(offset);
                    if (next < 0)
                    {
                        System.out.println("FIRST seq=" + seq + " position=" + consumer.position());
                    }
                    else if (seq != next)
                    {
                        throw new AssertionError("expected message " + next + ", got " + seq);
                    }
                    final String failure = messages.check(buffer, offset + 8, length - 8, seq);
                    if (null != failure)
                    {
                        throw new AssertionError(failure);
                    }
                    next = seq + 1;
                    processed++;
                }, commitEvery, 100, TimeUnit.MILLISECONDS);
                // Commit after processing, every commitEvery messages and at the end.
                if (next - 1 - committedThrough >= commitEvery || (next == count && committedThrough < next - 1))
                {
                    consumer.commit();
                    committedThrough = next - 1;
                    System.out.println("COMMITTED through=" + committedThrough + " position=" + consumer.position());
                }
            }
            System.out.println("DONE");
        }
        catch (final Throwable ex)
        {
            System.out.println("FAILED " + ex);
            System.exit(1);
        }
    }
}
