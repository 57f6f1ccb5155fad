package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A producer that can be killed at any moment and started again: it finds the last message in the ring
 * (reading it as a consumer from the earliest retained position), then continues the sequence up to
 * {@code count}. Each message is its sequence number followed by {@link CheckedMessages} content.
 *
 * <p>Arguments: file seed maxLength count. Prints {@code RESUMED next=N}, then {@code DONE}.
 */
public final class RestartingProducerProcess
{
    public static void main(final String[] args)
    {
        final CheckedMessages messages = new CheckedMessages(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        final long count = Long.parseLong(args[3]);
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])))
        {
            final Producer producer = queue.producer();
            long next = 0;
            try (Consumer scan = queue.consumer(StartPosition.EARLIEST))
            {
                final long[] last = {-1};
                while (scan.poll((buffer, offset, length) -> last[0] = buffer.getLong(offset), 1024) > 0)
                {
                    Thread.onSpinWait();
                }
                next = last[0] + 1;
            }
            System.out.println("RESUMED next=" + next);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8 + producer.maxMessageLength()]);
            for (long seq = next; seq < count; seq++)
            {
                message.putLong(0, seq);
                final int length = 8 + messages.write(message, 8, seq);
                while (producer.offer(message, 0, length) < 0)
                {
                    Thread.onSpinWait();
                }
            }
            producer.close();
            System.out.println("DONE");
        }
    }
}
