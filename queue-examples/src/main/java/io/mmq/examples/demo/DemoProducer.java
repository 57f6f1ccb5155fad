package io.mmq.examples.demo;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.examples.demo.DemoMessage.*;

/**
 * The demo's producer process: a throughput phase, a paced latency phase, then an end message.
 * Prints {@code PROGRESS published=N} about five times a second and {@code DONE published=N}.
 */
final class DemoProducer
{
    /** How long one blocking offer waits for room before the loop takes a fresh timestamp and offers again. */
    private static final long ROOM_WAIT_MILLIS = 100;

    private final Producer producer;
    private final UnsafeBuffer message;
    private final int size;
    private final DemoIdle idle;

    private DemoProducer(final Producer producer, final int size, final DemoIdle idle)
    {
        this.producer = producer;
        this.message = new UnsafeBuffer(new byte[size]);
        this.size = size;
        this.idle = idle;
    }

    static void run(
        final Path file, final QueueOptions options, final long messages, final int size, final long latencyMessages,
        final long rate, final DemoIdle idle)
    {
        try (MappedQueue queue = MappedQueue.open(file, options); Producer producer = queue.producer())
        {
            final DemoProducer demo = new DemoProducer(producer, size, idle);
            final Progress progress = new Progress("PROGRESS published=");
            long seq = 0;
            for (; seq < messages; seq++)
            {
                demo.publish(seq, THROUGHPUT);
                progress.maybeReport(seq + 1);
            }

            final long interval = 1_000_000_000L / rate;
            long nextSend = System.nanoTime();
            for (long i = 0; i < latencyMessages; i++, seq++)
            {
                nextSend += interval;
                demo.waitUntil(nextSend);
                demo.publish(seq, LATENCY);
                progress.maybeReport(seq + 1);
            }
            demo.publish(seq++, END);
            System.out.println("DONE published=" + seq);
        }
    }

    /**
     * Keeps the latency phase's pace. A sleeping producer wakes late (the kernel's timer slack) and then
     * sends what is due at once; each message carries the time it was actually sent, so lateness moves
     * the pace, never the measured latency.
     */
    private void waitUntil(final long deadline)
    {
        long left;
        while ((left = deadline - System.nanoTime()) > 0)
        {
            if (idle == DemoIdle.BLOCKING)
            {
                LockSupport.parkNanos(left);
            }
            else
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Publishes one message stamped just before the offer that succeeds. Busy-spinning, a wait for room
     * behind a slow consumer is between offers and so not measured; blocking, it happens inside the offer
     * and counts as latency. Either way a latency-phase message waits for room only while a consumer is
     * still catching up with the throughput phase.
     */
    private void publish(final long seq, final int phase)
    {
        message.putLong(SEQUENCE_OFFSET, seq);
        message.putInt(PHASE_OFFSET, phase);
        long result;
        do
        {
            message.putLong(SENT_AT_OFFSET, System.nanoTime());
            result = offer();
        }
        while (result == Producer.BACK_PRESSURED);
        if (result == Producer.CLOSED)
        {
            throw new IllegalStateException("the producer was closed while publishing message " + seq);
        }
    }

    private long offer()
    {
        if (idle == DemoIdle.BLOCKING)
        {
            return producer.offer(message, 0, size, ROOM_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        final long result = producer.offer(message, 0, size);
        if (result == Producer.BACK_PRESSURED)
        {
            Thread.onSpinWait();
        }
        return result;
    }
}
