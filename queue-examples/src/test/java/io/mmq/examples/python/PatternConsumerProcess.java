package io.mmq.examples.python;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * The Java consumer of the cross-language test: checks {@link PatternMessages} from message 0.
 * Arguments: file maxLength count. Prints {@code JOINED}, then {@code DONE received=N crc=C} or
 * {@code FAILED ...}.
 */
public final class PatternConsumerProcess
{
    public static void main(final String[] args)
    {
        final PatternMessages messages = new PatternMessages(Integer.parseInt(args[1]));
        final long count = Long.parseLong(args[2]);
        final long[] next = {0};
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            System.out.println("JOINED");
            while (next[0] < count)
            {
                consumer.poll((buffer, offset, length) ->
                {
                    if (!messages.check(buffer, offset, length, next[0]))
                    {
                        throw new AssertionError("message " + next[0] + " is wrong (length " + length + ")");
                    }
                    next[0]++;
                }, 256, 1, TimeUnit.SECONDS);
            }
            System.out.println("DONE received=" + next[0] + " crc=" + messages.crc());
        }
        catch (final Throwable ex)
        {
            System.out.println("FAILED " + ex);
            System.exit(1);
        }
    }
}
