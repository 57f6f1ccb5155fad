package io.mmq.mmap.process;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

import io.mmq.Producer;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.QueueCounters;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A producer in its own JVM: publishes {@code count} checked messages, optionally pausing half way
 * until told to go on. After every back-pressured offer and every 64th publication it reads the
 * consumer table and checks that no active consumer is more than one ring behind or ahead of it: the
 * evidence that back-pressure held.
 *
 * <p>Arguments: file seed maxLength count pauseAt(-1 for none).
 * Prints {@code PAUSED published=N}, then {@code DONE published=N crc=C maxLag=L backPressured=B}.
 */
public final class ProducerProcess
{
    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        final CheckedMessages messages = new CheckedMessages(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        final long count = Long.parseLong(args[3]);
        final long pauseAt = Long.parseLong(args[4]);

        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final QueueCounters counters = queue.counters();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[producer.maxMessageLength()]);
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            long backPressured = 0;
            long maxLag = 0;
            for (long seq = 0; seq < count; seq++)
            {
                if (seq == pauseAt)
                {
                    System.out.println("PAUSED published=" + seq);
                    new BufferedReader(new InputStreamReader(System.in)).readLine();
                }
                final int length = messages.write(message, 0, seq);
                messages.checksum(message, 0, length);
                idle.reset();
                while (producer.offer(message, 0, length) < 0)
                {
                    backPressured++;
                    maxLag = Math.max(maxLag, checkNoConsumerLapped(counters));
                    idle.idle();
                }
                if ((seq & 63) == 0)
                {
                    maxLag = Math.max(maxLag, checkNoConsumerLapped(counters));
                }
            }
            System.out.println("DONE published=" + count + " crc=" + messages.checksum() + " maxLag=" + maxLag +
                " backPressured=" + backPressured);
        }
    }

    private static long checkNoConsumerLapped(final QueueCounters counters)
    {
        final long producerPosition = counters.producerPosition();
        long maxLag = 0;
        for (int slot = 0; slot < counters.consumerSlots(); slot++)
        {
            final long position = counters.consumerPosition(slot);
            if (position == QueueCounters.FREE_SLOT || position < counters.reclaimPosition())
            {
                continue; // free, or a consumer still joining
            }
            final long lag = producerPosition - position;
            if (lag > counters.capacity() || lag < 0)
            {
                System.out.println("LAPPED slot=" + slot + " position=" + position + " producer=" + producerPosition);
                System.exit(3);
            }
            maxLag = Math.max(maxLag, lag);
        }
        return maxLag;
    }
}
