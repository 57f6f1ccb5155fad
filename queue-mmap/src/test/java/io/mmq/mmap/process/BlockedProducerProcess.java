package io.mmq.mmap.process;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Producer;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fills the ring, prints {@code FULL}, then makes one timed offer with a timeout far longer than any test
 * waits, so that only a wake-up from a consumer can let it through in time. Prints {@code PUBLISHED} or
 * {@code TIMEOUT}.
 */
public final class BlockedProducerProcess
{
    public static void main(final String[] args)
    {
        // No periodic re-check: only a consumer's wake-up can let the offer through before its timeout.
        System.setProperty(io.mmq.mmap.ring.MappedProducer.BLOCKED_RECHECK_PROPERTY, "120000");
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
            while (producer.offer(message, 0, 256) > 0)
            {
                Thread.onSpinWait();
            }
            System.out.println("FULL");
            final long result = producer.offer(message, 0, 256, 120, TimeUnit.SECONDS);
            System.out.println(result > 0 ? "PUBLISHED" : "TIMEOUT");
        }
    }
}
