package io.mmq.examples.python;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Producer;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The producer twin of {@link PatternConsumerProcess}, for tests that run the producer in a process of its
 * own (on the host or in a container): publishes {@link PatternMessages} from message 0. When the ring is
 * full it waits with the timed offer, asleep until a consumer makes room, up to 30 s per message.
 * Arguments: file maxLength count. Prints {@code DONE published=N crc=C backPressured=B} or {@code FAILED ...}.
 */
public final class PatternProducerProcess
{
    public static void main(final String[] args)
    {
        final int maxLength = Integer.parseInt(args[1]);
        final long count = Long.parseLong(args[2]);
        final PatternMessages messages = new PatternMessages(maxLength);
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[maxLength]);
            long backPressured = 0;
            for (long seq = 0; seq < count; seq++)
            {
                final int length = messages.write(message, 0, seq);
                if (producer.offer(message, 0, length) < 0)
                {
                    backPressured++;
                    if (producer.offer(message, 0, length, 30, TimeUnit.SECONDS) < 0)
                    {
                        throw new IllegalStateException("held back for 30 s at message " + seq + " of " + count);
                    }
                }
            }
            System.out.println("DONE published=" + count + " crc=" + messages.crc() + " backPressured=" + backPressured);
        }
        catch (final Throwable ex)
        {
            System.out.println("FAILED " + ex);
            System.exit(1);
        }
    }
}
