package io.mmq.bridge.bench;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Producer;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The sending end of a bridged path: the producer of the local queue. Arguments: FILE count size rate
 * (messages a second, 0 for flat out). Waits for a {@code GO} line on standard input, then prints
 * {@code SENT count=N late-p50=N late-p99=N} (see {@link Pacer#lateness()}).
 */
public final class QueueSender
{
    public static void main(final String[] args) throws Exception
    {
        final long count = Long.parseLong(args[1]);
        final int size = Integer.parseInt(args[2]);
        final long rate = Long.parseLong(args[3]);
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[size]);
            System.out.println("READY");
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            final Pacer pacer = new Pacer(rate);
            final IdleStrategy idle = new BackoffIdleStrategy();
            for (long sequence = 0; sequence < count; sequence++)
            {
                BenchMessage.write(message, sequence, pacer.awaitDue(sequence));
                idle.reset();
                while (producer.offer(message, 0, size) < 0)
                {
                    idle.idle(); // held back by the bridge: the path's own back-pressure, waited as Aeron's sender does
                }
            }
            System.out.println("SENT count=" + count + " " + pacer.lateness());
        }
    }
}
