package io.mmq.mmap.process;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Producer;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A producer of the messages {@link GroupMemberProcess} checks, in its own JVM (the Python group tests
 * start it): message {@code seq} is {@code seq} (i64) followed by a {@link CheckedMessages} body of up to
 * {@code maxMessage - 8} bytes. Arguments: file seed count. Waits while the ring is full; prints
 * {@code DONE published=N}.
 */
public final class GroupProducerProcess
{
    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        final long seed = Long.parseLong(args[1]);
        final long count = Long.parseLong(args[2]);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final int maxMessage = producer.maxMessageLength();
            final CheckedMessages messages = new CheckedMessages(seed, maxMessage - 8);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[maxMessage]);
            for (long seq = 0; seq < count; seq++)
            {
                message.putLong(0, seq);
                final int length = 8 + messages.write(message, 8, seq);
                while (producer.offer(message, 0, length, 1, TimeUnit.SECONDS) < 0)
                {
                    Thread.onSpinWait(); // held back until a member (or the reaper) makes room
                }
            }
            System.out.println("DONE published=" + count);
        }
    }
}
