package io.mmq.examples.samples.pubsub;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.MessageHandler;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;

import static io.mmq.examples.samples.pubsub.Event.*;

/**
 * A subscriber service: joins the queue, hands every event to its {@link EventService}, checks that
 * none was missed or repeated, and measures how long events take to arrive.
 *
 * <p>It waits with the blocking {@code poll}: a few microseconds of spinning, then asleep in the kernel
 * until the publisher publishes, so an idle subscriber uses no CPU. On a machine with a core to spare per
 * subscriber, polling in a busy loop instead (with an Agrona idle strategy) is faster still.
 */
final class Subscriber
{
    private final EventService service;
    private final MessageHandler onEvent = this::onEvent; // made once: polling allocates nothing
    private final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    private long received;
    private long first = -1;
    private long last = -1;
    private boolean ended;
    private String failure;

    private Subscriber(final EventService service)
    {
        this.service = service;
    }

    /**
     * @return 0 if every event since joining arrived, once and in order.
     */
    static int run(final Path file, final String serviceName, final StartPosition from)
    {
        final Subscriber subscriber = new Subscriber(EventService.named(serviceName));
        try (MappedQueue queue = MappedQueue.open(file); Consumer consumer = queue.consumer(from))
        {
            System.out.println("joined at " + from + " as consumer " + consumer.slot());
            while (!subscriber.ended && null == subscriber.failure)
            {
                if (consumer.poll(subscriber.onEvent, 256, 10, TimeUnit.SECONDS) == 0)
                {
                    subscriber.failure = "no event for 10 s: is the publisher still running?";
                }
            }
        }
        if (null != subscriber.failure)
        {
            System.out.println("FAILED: " + subscriber.failure);
            return 1;
        }
        subscriber.service.printSummary();
        System.out.printf("saw %d events, #%d to #%d, in order, none missing; latency p50 %.1f us, p99 %.1f us%n",
            subscriber.received, subscriber.first, subscriber.last,
            subscriber.latency.getValueAtPercentile(50) / 1e3, subscriber.latency.getValueAtPercentile(99) / 1e3);
        return 0;
    }

    private void onEvent(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length == 0)
        {
            ended = true;
            return;
        }
        final long latencyNanos = System.nanoTime() - buffer.getLong(offset + PUBLISHED_AT_OFFSET);
        final long sequence = buffer.getLong(offset + SEQUENCE_OFFSET);
        if (first < 0)
        {
            first = sequence;
        }
        else if (sequence != last + 1 && null == failure)
        {
            failure = "event #" + sequence + " came after #" + last;
        }
        last = sequence;
        received++;
        latency.recordValue(Math.max(0, latencyNanos));
        service.onEvent(sequence, buffer.getInt(offset + TYPE_OFFSET), buffer.getInt(offset + QUANTITY_OFFSET),
            latencyNanos);
    }
}
