package io.mmq.mmap.process;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * A consumer that waits for one message asleep, with a timeout far longer than any test waits, so only
 * a wake-up can deliver the message in time. The message holds the publisher's {@link System#nanoTime()}.
 * Prints {@code JOINED}, then {@code RECEIVED micros=M} (publish to receipt) or {@code TIMEOUT}.
 */
public final class SleepingConsumerProcess
{
    public static void main(final String[] args)
    {
        // No periodic re-check: only the producer's wake-up can deliver the message before the timeout.
        System.setProperty(io.mmq.mmap.ring.MappedConsumer.MAX_SLEEP_PROPERTY, "120000");
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0]));
             Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            System.out.println("JOINED");
            final long[] latency = {-1};
            final int received = consumer.poll((buffer, offset, length) ->
                latency[0] = System.nanoTime() - buffer.getLong(offset), 1, 120, TimeUnit.SECONDS);
            System.out.println(received == 1 ? "RECEIVED micros=" + latency[0] / 1000 : "TIMEOUT");
        }
    }
}
