package io.mmq.examples.soak;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The soak's producer process, killed and restarted at random. It takes the producer role, finds the last
 * committed message by reading the retained history (a consumer at EARLIEST), and continues the sequence
 * after it: a message the previous producer committed is never sent again, and one it had not committed
 * was never seen, so the stream stays gap-free and repeat-free across kills.
 *
 * <p>Prints {@code RESUMED next=N}, then {@code AT next=N} about every 200 ms. With {@code --finish} it
 * publishes only the end marker and exits.
 */
@Command(name = "producer", hidden = true)
public final class SoakProducerRole implements Callable<Integer>
{
    @Parameters(index = "0")
    Path file;

    @Option(names = "--finish")
    boolean finish;

    @Override
    public Integer call()
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final SoakMessages messages = new SoakMessages(producer.maxMessageLength());
            long next = lastCommitted(queue) + 1;
            System.out.println("RESUMED next=" + next);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[producer.maxMessageLength()]);
            if (finish)
            {
                message.putLong(0, next);
                publish(producer, message, SoakMessages.END_LENGTH);
                System.out.println("FINISHED end=" + next);
                return 0;
            }
            long reportAt = System.nanoTime();
            while (true)
            {
                publish(producer, message, messages.write(message, next));
                next++;
                if (System.nanoTime() - reportAt >= 0)
                {
                    System.out.println("AT next=" + next);
                    reportAt = System.nanoTime() + 200_000_000L;
                }
            }
        }
    }

    private static void publish(final Producer producer, final UnsafeBuffer message, final int length)
    {
        while (producer.offer(message, 0, length, 100, TimeUnit.MILLISECONDS) < 0)
        {
            Thread.onSpinWait(); // held back by a slow or dead consumer: its slot is reaped soon
        }
    }

    /**
     * @return the sequence number of the last data message in the ring, or -1 if there is none.
     */
    private static long lastCommitted(final MappedQueue queue)
    {
        final long[] last = {-1};
        try (Consumer scan = queue.consumer(StartPosition.EARLIEST))
        {
            while (scan.poll((buffer, offset, length) ->
            {
                if (length >= SoakMessages.MIN_LENGTH)
                {
                    last[0] = buffer.getLong(offset);
                }
            }, 1024) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return last[0];
    }
}
