package io.mmq.bridge.aeron;

import java.nio.file.Path;

import io.mmq.Producer;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The local producer, in its own JVM: publishes {@code count} checked messages from {@code first} on, and
 * says when it is held back: {@code BLOCKED published=N} once its offers have been refused
 * ({@code BACK_PRESSURED}) for 200 ms on end, {@code FLOWING published=N} when one succeeds again after that.
 *
 * <p>Arguments: file seed maxLength first count [rate], rate in messages a second (none: as fast as it can).
 * Prints {@code DONE published=N crc=C}.
 */
public final class ReportingProducerProcess
{
    public static void main(final String[] args)
    {
        final Path file = Path.of(args[0]);
        final CheckedMessages messages = new CheckedMessages(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        final long first = Long.parseLong(args[3]);
        final long count = Long.parseLong(args[4]);
        final long nanosPerMessage = args.length > 5 ? 1_000_000_000L / Long.parseLong(args[5]) : 0;
        final long began = System.nanoTime();
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[producer.maxMessageLength()]);
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            for (long seq = first; seq < first + count; seq++)
            {
                if (nanosPerMessage > 0)
                {
                    final long due = began + (seq - first) * nanosPerMessage;
                    long early;
                    while ((early = due - System.nanoTime()) > 0)
                    {
                        java.util.concurrent.locks.LockSupport.parkNanos(early);
                    }
                }
                final int length = messages.write(message, 0, seq);
                messages.checksum(message, 0, length);
                idle.reset();
                long refusedSince = 0;
                boolean blocked = false;
                while (producer.offer(message, 0, length) < 0)
                {
                    final long now = System.nanoTime();
                    if (0 == refusedSince)
                    {
                        refusedSince = now;
                    }
                    else if (!blocked && now - refusedSince >= 200_000_000L)
                    {
                        blocked = true;
                        System.out.println("BLOCKED published=" + (seq - first));
                    }
                    idle.idle();
                }
                if (blocked)
                {
                    System.out.println("FLOWING published=" + (seq - first));
                }
            }
            System.out.println("DONE published=" + count + " crc=" + messages.checksum());
        }
        catch (final Throwable ex)
        {
            System.out.println("FAILED " + ex);
            ex.printStackTrace();
            System.exit(1);
        }
    }
}
