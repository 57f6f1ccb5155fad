package io.mmq.examples.demo;

import java.nio.file.Path;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.examples.demo.DemoMessage.*;

/**
 * The demo's producer process: a throughput phase, a paced latency phase, then an end message.
 * Prints {@code PROGRESS published=N} about five times a second and {@code DONE published=N}.
 */
final class DemoProducer
{
    private DemoProducer()
    {
    }

    static void run(final Path file, final QueueOptions options, final long messages, final int size, final long latencyMessages, final long rate)
    {
        try (MappedQueue queue = MappedQueue.open(file, options); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[size]);
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            final Progress progress = new Progress("PROGRESS published=");
            long seq = 0;
            for (; seq < messages; seq++)
            {
                publish(producer, message, size, seq, THROUGHPUT, idle);
                progress.maybeReport(seq + 1);
            }

            final long interval = 1_000_000_000L / rate;
            long nextSend = System.nanoTime();
            for (long i = 0; i < latencyMessages; i++, seq++)
            {
                nextSend += interval;
                while (System.nanoTime() < nextSend)
                {
                    Thread.onSpinWait();
                }
                publish(producer, message, size, seq, LATENCY, idle);
                progress.maybeReport(seq + 1);
            }
            publish(producer, message, size, seq++, END, idle);
            System.out.println("DONE published=" + seq);
        }
    }

    private static void publish(
        final Producer producer, final UnsafeBuffer message, final int size, final long seq, final int phase,
        final BackoffIdleStrategy idle)
    {
        message.putLong(SEQUENCE_OFFSET, seq);
        message.putInt(PHASE_OFFSET, phase);
        idle.reset();
        message.putLong(SENT_AT_OFFSET, System.nanoTime());
        while (producer.offer(message, 0, size) < 0)
        {
            idle.idle();
            message.putLong(SENT_AT_OFFSET, System.nanoTime());
        }
    }
}
