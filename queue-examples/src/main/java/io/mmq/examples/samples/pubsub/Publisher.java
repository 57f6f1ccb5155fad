package io.mmq.examples.samples.pubsub;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.examples.samples.pubsub.Event.*;

/**
 * The publisher: one producer, paced at a steady rate like a real feed. It knows nothing of its
 * subscribers; each receives every event published after it joined.
 */
final class Publisher implements AutoCloseable
{
    private final MappedQueue queue;
    private final Producer producer;
    private final UnsafeBuffer event = new UnsafeBuffer(new byte[LENGTH]);
    private final Random random = new Random(7);

    Publisher(final Path file)
    {
        queue = MappedQueue.openOrCreate(file, QUEUE_OPTIONS);
        producer = queue.producer();
    }

    MappedQueue queue()
    {
        return queue;
    }

    /**
     * Publishes events {@code from} to {@code to - 1}, {@code rate} a second.
     */
    void publish(final long from, final long to, final long rate)
    {
        final long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long nextAt = System.nanoTime();
        for (long seq = from; seq < to; seq++)
        {
            while (System.nanoTime() - nextAt < 0)
            {
                Thread.onSpinWait();
            }
            nextAt += interval;

            final int roll = random.nextInt(10);
            event.putLong(SEQUENCE_OFFSET, seq);
            event.putInt(TYPE_OFFSET, roll < 5 ? NEW : roll < 8 ? FILL : CANCEL);
            event.putInt(QUANTITY_OFFSET, 1 + random.nextInt(100));
            event.putLong(PUBLISHED_AT_OFFSET, System.nanoTime());
            offer(LENGTH);
        }
    }

    /**
     * Tells every subscriber that the stream is over: an empty message.
     */
    void end()
    {
        offer(0);
    }

    private void offer(final int length)
    {
        // Waits while a subscriber is a whole ring behind: no subscriber ever misses an event.
        if (producer.offer(event, 0, length, 10, TimeUnit.SECONDS) < 0)
        {
            throw new MmqException(queue.path() + ": a subscriber has read nothing for 10 s");
        }
    }

    @Override
    public void close()
    {
        producer.close();
        queue.close();
    }
}
