package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmq.Consumer;
import io.mmq.ConsumerEvictedException;
import io.mmq.Producer;
import io.mmq.QueueFormatException;
import io.mmq.QueueOptions;
import io.mmq.SlowConsumerPolicy;
import io.mmq.StartPosition;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evict-after-lag policy: a consumer that falls further behind than the lag stops holding the
 * producer back, and learns exactly where its loss began; nothing before that is lost or torn.
 */
class EvictionTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final int LAG = CAPACITY / 2;
    private static final int MESSAGE = 1000;

    private Path directory;
    private MappedQueue queue;
    private Producer producer;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE]);
    private long sequence;

    @BeforeEach
    void createQueue() throws IOException
    {
        directory = TempQueues.directory();
        queue = MappedQueue.create(directory.resolve("evict.mmq"), QueueOptions.defaults().withCapacity(CAPACITY)
            .withMaxMessageLength(4096).withConsumerSlots(4).withSlowConsumerPolicy(SlowConsumerPolicy.evictAfterLag(LAG)));
        producer = queue.producer();
    }

    @AfterEach
    void deleteQueue() throws IOException
    {
        queue.close();
        TempQueues.delete(directory);
    }

    /** Publishes {@code count} numbered messages; a held-back producer fails the test. */
    private void publish(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            message.putLong(0, sequence);
            assertTrue(producer.offer(message, 0, MESSAGE) > 0, "held back at message " + sequence);
            sequence++;
        }
    }

    private static List<Long> drain(final Consumer consumer)
    {
        final List<Long> got = new ArrayList<>();
        consumer.poll((buffer, offset, length) -> got.add(buffer.getLong(offset)), Integer.MAX_VALUE);
        return got;
    }

    @Test
    void aConsumerThatStopsReadingIsEvictedAndToldWhereItsLossBegins()
    {
        final Consumer stalled = queue.consumer(StartPosition.EARLIEST);
        publish(10);
        assertEquals(10, drain(stalled).size());
        final long readUpTo = stalled.position();

        publish(5 * CAPACITY / MESSAGE); // five rings past a consumer that reads nothing
        assertTrue(queue.counters().consumerEvicted(stalled.slot()));

        final List<Long> seen = new ArrayList<>();
        final ConsumerEvictedException evicted = assertThrows(ConsumerEvictedException.class,
            () -> stalled.poll((buffer, offset, length) -> seen.add(buffer.getLong(offset)), 100));
        assertEquals(readUpTo, evicted.position());
        assertTrue(seen.isEmpty(), "nothing overwritten is handed over: " + seen);
        assertTrue(evicted.getMessage().contains("lagging more than " + LAG + " bytes"), evicted.getMessage());
        assertThrows(ConsumerEvictedException.class, () -> stalled.poll((buffer, offset, length) -> { }, 1),
            "and stays evicted");

        assertEquals(1, queue.counters().heldSlots(), "an evicted consumer holds its slot until it leaves");
        stalled.close();
        assertEquals(QueueCounters.FREE_SLOT, queue.counters().consumerPosition(stalled.slot()), "closing frees the slot");
        assertEquals(0, queue.counters().heldSlots());
    }

    @Test
    void aConsumerThatKeepsUpIsNeverEvictedAndLosesNothing()
    {
        final Consumer steady = queue.consumer(StartPosition.EARLIEST);
        final List<Long> got = new ArrayList<>();
        for (int round = 0; round < 100; round++)
        {
            publish(LAG / MESSAGE / 2);
            got.addAll(drain(steady));
        }
        assertEquals(sequence, got.size());
        for (int i = 0; i < got.size(); i++)
        {
            assertEquals(i, got.get(i));
        }
        assertFalse(queue.counters().consumerEvicted(steady.slot()));
    }

    @Test
    void aMessageWhoseHandlerRanWhileTheConsumerWasEvictedCountsAsNotDelivered()
    {
        final Consumer slow = queue.consumer(StartPosition.EARLIEST);
        publish(3);
        final List<Long> handled = new ArrayList<>();
        final ConsumerEvictedException evicted = assertThrows(ConsumerEvictedException.class, () -> slow.poll(
            (buffer, offset, length) ->
            {
                handled.add(buffer.getLong(offset));
                if (handled.size() == 2)
                {
                    publish(5 * CAPACITY / MESSAGE); // the producer laps the ring while this handler runs
                }
            }, 100));
        assertEquals(List.of(0L, 1L), handled);
        assertEquals(alignedFrame(MESSAGE), evicted.position(), "message 1 starts the loss: its bytes may be torn");
        assertEquals(evicted.position(), slow.position());
    }

    @Test
    void anEvictionLagShorterThanOneFrameOrLongerThanTheRingIsRefused()
    {
        final QueueOptions ring = QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(4096);
        assertThrows(IllegalArgumentException.class, () -> ring.withSlowConsumerPolicy(SlowConsumerPolicy.evictAfterLag(4000)));
        assertThrows(IllegalArgumentException.class, () -> ring.withSlowConsumerPolicy(SlowConsumerPolicy.evictAfterLag(CAPACITY + 8)));
        assertThrows(IllegalArgumentException.class, () -> SlowConsumerPolicy.evictAfterLag(0));
        final IllegalArgumentException shrunk = assertThrows(IllegalArgumentException.class, () -> MappedQueue.create(
            directory.resolve("shrunk.mmq"), ring.withSlowConsumerPolicy(SlowConsumerPolicy.evictAfterLag(CAPACITY))
                .withCapacity(8192).withMaxMessageLength(1024)));
        assertTrue(shrunk.getMessage().contains("eviction lag"), shrunk.getMessage());
    }

    @Test
    void openingWithAnotherPolicyThanTheFilesIsRefused()
    {
        final QueueFormatException refused = assertThrows(QueueFormatException.class, () -> MappedQueue.open(
            directory.resolve("evict.mmq"), queue.options().withSlowConsumerPolicy(SlowConsumerPolicy.block())));
        assertTrue(refused.getMessage().contains("eviction lag in the file is " + LAG), refused.getMessage());
        assertEquals(SlowConsumerPolicy.evictAfterLag(LAG), queue.options().slowConsumerPolicy());
    }

    private static long alignedFrame(final int messageLength)
    {
        return (8 + messageLength + 7) & ~7L;
    }
}
