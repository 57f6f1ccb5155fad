package io.mmq.mmap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mmq.BufferClaim;
import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.QueueBusyException;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.layout.FrameLayout;
import io.mmq.mmap.layout.HeaderLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ring's promises within one process: record layout, wrap-around, padding, a full ring, message size
 * limits, zero-copy claims and start positions. The same promises across processes are in
 * {@code process.MultiProcessQueueTest}.
 */
class RingTest
{
    private static final int CAPACITY = 4096;
    private static final int MAX_MESSAGE = CAPACITY / 8;

    private Path directory;
    private Path file;
    private MappedQueue queue;
    private final UnsafeBuffer source = new UnsafeBuffer(new byte[MAX_MESSAGE + 1]);

    @BeforeEach
    void createQueue() throws Exception
    {
        directory = TempQueues.directory();
        file = directory.resolve("ring.mmq");
        queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withConsumerSlots(4));
    }

    @AfterEach
    void deleteQueue() throws Exception
    {
        queue.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(directory);
    }

    @Test
    void aConsumerReceivesEveryMessageInOrderWithItsBytesIntact()
    {
        final CheckedMessages messages = new CheckedMessages(1, MAX_MESSAGE);
        try (Producer producer = queue.producer(); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            final long[] received = {0};
            final List<String> failures = new ArrayList<>();
            for (long seq = 0; seq < 10_000; seq++)
            {
                final int length = messages.write(source, 0, seq);
                assertTrue(producer.offer(source, 0, length) > 0);
                consumer.poll((buffer, offset, len) ->
                {
                    final String failure = messages.check(buffer, offset, len, received[0]++);
                    if (null != failure)
                    {
                        failures.add(failure);
                    }
                }, Integer.MAX_VALUE);
            }
            assertEquals(List.of(), failures);
            assertEquals(10_000, received[0]);
            assertEquals(producer.position(), consumer.position());
            assertEquals(0, consumer.lag());
        }
    }

    @Test
    void framesAreEightByteHeadersPaddedToEightBytes() throws Exception
    {
        try (Producer producer = queue.producer(); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            assertEquals(8, producer.offer(source, 0, 0), "an empty message is a bare header");
            assertEquals(8 + 16, producer.offer(source, 0, 1), "1 byte of message pads to 8");
            assertEquals(8 + 16 + 16, producer.offer(source, 0, 8));
            assertEquals(8 + 16 + 16 + 24, producer.offer(source, 0, 9));

            final int ring = HeaderLayout.ringOffset(4);
            final UnsafeBuffer bytes = new UnsafeBuffer(Files.readAllBytes(file));
            assertEquals(FrameLayout.HEADER_LENGTH, bytes.getInt(ring));
            assertEquals(FrameLayout.TYPE_MESSAGE, bytes.getInt(ring + 4));
            assertEquals(FrameLayout.HEADER_LENGTH + 1, bytes.getInt(ring + 8));
            assertEquals(FrameLayout.HEADER_LENGTH + 9, bytes.getInt(ring + 40));
            assertEquals(0L, bytes.getLong(ring + 64), "the header after the last frame reads as unpublished");

            final List<Integer> lengths = new ArrayList<>();
            assertEquals(4, consumer.poll((buffer, offset, length) -> lengths.add(length), 10));
            assertEquals(List.of(0, 1, 8, 9), lengths);
        }
    }

    @Test
    void aMessageThatDoesNotFitBeforeTheEndOfTheRingFollowsAPaddingFrame() throws Exception
    {
        try (Producer producer = queue.producer(); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            // 4096 / 400 leaves 96 bytes at the end of the first lap: too few for the next 400-byte frame.
            final int length = 400 - FrameLayout.HEADER_LENGTH;
            final List<Long> firstBytes = new ArrayList<>();
            for (long seq = 0; seq < 25; seq++)
            {
                source.putLong(0, seq);
                assertTrue(producer.offer(source, 0, length) > 0, "offer " + seq);
                consumer.poll((buffer, offset, len) -> firstBytes.add(buffer.getLong(offset)), 10);
            }
            assertEquals(25, firstBytes.size());
            for (int i = 0; i < firstBytes.size(); i++)
            {
                assertEquals(i, firstBytes.get(i));
            }
            // 10 frames in the first lap, then 96 bytes of padding, then 10 more, 96 more, then 5.
            assertEquals(25 * 400 + 2 * 96, producer.position());

            final UnsafeBuffer bytes = new UnsafeBuffer(Files.readAllBytes(file));
            final int ring = HeaderLayout.ringOffset(4);
            assertEquals(96, bytes.getInt(ring + 4000), "the padding frame fills the end of the ring");
            assertEquals(FrameLayout.TYPE_PADDING | (1 << 8), bytes.getInt(ring + 4000 + 4), "lap 1's padding");
            assertEquals(FrameLayout.TYPE_MESSAGE | (2 << 8), bytes.getInt(ring + 4), "lap 2's first message");
        }
    }

    @Test
    void aFullRingBackPressuresTheProducerAndLosesNothing()
    {
        try (Producer producer = queue.producer(); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            long published = 0;
            while (producer.offer(source, 0, 100) > 0)
            {
                source.putLong(0, ++published);
                assertTrue(published < CAPACITY / 100, "the unread consumer must stop the producer");
            }
            assertEquals(Producer.BACK_PRESSURED, producer.offer(source, 0, 100));
            assertTrue(published * 112 > CAPACITY - 2 * 112, "the ring filled before refusing: " + published);
            assertEquals(published * 112, consumer.lag());

            final long[] next = {0};
            assertEquals(published, consumer.poll((buffer, offset, length) ->
                assertEquals(next[0]++, buffer.getLong(offset)), Integer.MAX_VALUE));
            assertTrue(producer.offer(source, 0, 100) > 0, "reading made room");
        }
    }

    @Test
    void withNoConsumerTheProducerIsNeverBackPressured()
    {
        try (Producer producer = queue.producer())
        {
            for (int i = 0; i < 10 * CAPACITY / 64; i++)
            {
                assertTrue(producer.offer(source, 0, 56) > 0);
            }
        }
    }

    @Test
    void anOversizedMessageIsRefusedAndTheRingIsUntouched()
    {
        try (Producer producer = queue.producer(); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            assertEquals(MAX_MESSAGE, producer.maxMessageLength());
            assertTrue(producer.offer(source, 0, MAX_MESSAGE) > 0, "the maximum itself is accepted");
            final long position = producer.position();

            final IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> producer.offer(source, 0, MAX_MESSAGE + 1));
            assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
            assertTrue(error.getMessage().contains(String.valueOf(MAX_MESSAGE + 1)), error.getMessage());
            assertThrows(IllegalArgumentException.class, () -> producer.offer(source, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> producer.tryClaim(MAX_MESSAGE + 1, new BufferClaim()));

            assertEquals(position, producer.position());
            final List<Integer> lengths = new ArrayList<>();
            consumer.poll((buffer, offset, length) -> lengths.add(length), 10);
            assertEquals(List.of(MAX_MESSAGE), lengths);
        }
    }

    @Test
    void aClaimIsWrittenInPlaceAndSeenOnlyOnceCommitted()
    {
        try (Producer producer = queue.producer(); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            final BufferClaim claim = new BufferClaim();
            assertTrue(producer.tryClaim(8, claim) > 0);
            claim.buffer().putLong(claim.offset(), 42L);
            assertEquals(0, consumer.poll((buffer, offset, length) -> fail("not committed yet"), 10));
            claim.commit();

            final long[] seen = {0};
            assertEquals(1, consumer.poll((buffer, offset, length) -> seen[0] = buffer.getLong(offset), 10));
            assertEquals(42L, seen[0]);
            assertThrows(IllegalStateException.class, claim::commit);
        }
    }

    @Test
    void anAbortedClaimIsNeverSeenAndItsSpaceIsReused()
    {
        try (Producer producer = queue.producer(); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            final BufferClaim claim = new BufferClaim();
            final long end = producer.tryClaim(16, claim);
            claim.buffer().putLong(claim.offset(), 1L);
            claim.abort();
            assertEquals(0, consumer.poll((buffer, offset, length) -> fail("aborted"), 10));

            source.putLong(0, 2L);
            assertEquals(end, producer.offer(source, 0, 16), "the next message takes the aborted claim's place");
            final long[] seen = {0};
            assertEquals(1, consumer.poll((buffer, offset, length) -> seen[0] = buffer.getLong(offset), 10));
            assertEquals(2L, seen[0]);
        }
    }

    @Test
    void latestStartsAtTheNextMessageAndEarliestAtTheOldestRetained()
    {
        try (Producer producer = queue.producer())
        {
            for (long seq = 0; seq < 3; seq++)
            {
                source.putLong(0, seq);
                producer.offer(source, 0, 8);
            }
            try (Consumer latest = queue.consumer(StartPosition.LATEST);
                 Consumer earliest = queue.consumer(StartPosition.EARLIEST))
            {
                source.putLong(0, 3);
                producer.offer(source, 0, 8);

                final List<Long> fromLatest = new ArrayList<>();
                latest.poll((buffer, offset, length) -> fromLatest.add(buffer.getLong(offset)), 10);
                assertEquals(List.of(3L), fromLatest);

                final List<Long> fromEarliest = new ArrayList<>();
                earliest.poll((buffer, offset, length) -> fromEarliest.add(buffer.getLong(offset)), 10);
                assertEquals(List.of(0L, 1L, 2L, 3L), fromEarliest);
            }
        }
    }

    @Test
    void earliestKeepsAtLeastHalfTheRingOfHistoryAfterManyLaps()
    {
        try (Producer producer = queue.producer())
        {
            long seq = 0;
            for (; seq < 1000; seq++)
            {
                source.putLong(0, seq);
                assertTrue(producer.offer(source, 0, 56) > 0);
            }
            try (Consumer earliest = queue.consumer(StartPosition.EARLIEST))
            {
                final List<Long> seen = new ArrayList<>();
                earliest.poll((buffer, offset, length) -> seen.add(buffer.getLong(offset)), Integer.MAX_VALUE);
                assertEquals(999L, seen.get(seen.size() - 1));
                assertTrue(seen.size() * 64 >= CAPACITY / 2, "retained " + seen.size() + " messages of 64 bytes");
                for (int i = 1; i < seen.size(); i++)
                {
                    assertEquals(seen.get(i - 1) + 1, seen.get(i));
                }
            }
        }
    }

    @Test
    void aSecondProducerIsRefusedUntilTheFirstCloses()
    {
        final Producer first = queue.producer();
        final QueueBusyException error = assertThrows(QueueBusyException.class, queue::producer);
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        try (MappedQueue other = MappedQueue.open(file))
        {
            assertThrows(QueueBusyException.class, other::producer);
            first.close();
            other.producer().close();
        }
    }

    @Test
    void whenEverySlotIsTakenAnotherConsumerIsRefused()
    {
        final List<Consumer> consumers = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            consumers.add(queue.consumer(StartPosition.LATEST));
        }
        assertThrows(QueueBusyException.class, () -> queue.consumer(StartPosition.LATEST));
        consumers.get(2).close();
        assertEquals(2, queue.consumer(StartPosition.LATEST).slot(), "a closed consumer's slot is reused");
    }

    @Test
    void aClosedConsumerNoLongerHoldsBackTheProducer()
    {
        try (Producer producer = queue.producer())
        {
            final Consumer idle = queue.consumer(StartPosition.LATEST);
            while (producer.offer(source, 0, 100) > 0)
            {
                assertTrue(producer.position() < 2L * CAPACITY, "the idle consumer must stop the producer");
            }
            idle.close();
            for (int i = 0; i < 100; i++)
            {
                assertTrue(producer.offer(source, 0, 100) > 0);
            }
        }
    }

    @Test
    void aTimedOfferWaitsForRoomThenReportsBackPressure()
    {
        try (Producer producer = queue.producer(); Consumer ignored = queue.consumer(StartPosition.LATEST))
        {
            while (producer.offer(source, 0, 100) > 0)
            {
                assertTrue(producer.position() < 2L * CAPACITY);
            }
            final long start = System.nanoTime();
            assertEquals(Producer.BACK_PRESSURED, producer.offer(source, 0, 100, 50, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "it waited out the timeout");
        }
    }

    @Test
    void anInterruptedBlockingPollOrOfferReturnsPromptly() throws Exception
    {
        try (Producer producer = queue.producer(); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            final int[] polled = {-1};
            final Thread poller = new Thread(() ->
                polled[0] = consumer.poll((buffer, offset, length) -> { }, 1, 60, TimeUnit.SECONDS));
            poller.start();
            awaitCondition(queue.counters()::consumerAwaitsWakeUp, "the poller to fall asleep");
            poller.interrupt();
            poller.join(5_000);
            assertFalse(poller.isAlive(), "an interrupted poll returns");
            assertEquals(0, polled[0]);

            while (producer.offer(source, 0, 100) > 0)
            {
                assertTrue(producer.position() < 2L * CAPACITY);
            }
            final long[] offered = {0};
            final Thread offerer = new Thread(() -> offered[0] = producer.offer(source, 0, 100, 60, TimeUnit.SECONDS));
            offerer.start();
            awaitCondition(queue.counters()::producerAwaitsSpace, "the offerer to fall asleep");
            offerer.interrupt();
            offerer.join(5_000);
            assertFalse(offerer.isAlive(), "an interrupted offer returns");
            assertEquals(Producer.BACK_PRESSURED, offered[0]);
        }
    }

    private static void awaitCondition(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "waited 10 s for " + what);
            Thread.onSpinWait();
        }
    }

    @Test
    void messagesOutliveTheProcessesThatWroteThem()
    {
        queue.close();
        try (MappedQueue writer = MappedQueue.open(file); Producer producer = writer.producer())
        {
            source.putLong(0, 7);
            producer.offer(source, 0, 8);
        }
        try (MappedQueue writer = MappedQueue.open(file); Producer producer = writer.producer())
        {
            source.putLong(0, 8);
            assertEquals(32, producer.offer(source, 0, 8), "a new producer continues after the last message");
        }
        queue = MappedQueue.open(file);
        try (Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            final List<Long> seen = new ArrayList<>();
            consumer.poll((buffer, offset, length) -> seen.add(buffer.getLong(offset)), 10);
            assertEquals(List.of(7L, 8L), seen);
        }
    }

    @Test
    void aClosedProducerReportsClosed()
    {
        final Producer producer = queue.producer();
        producer.close();
        producer.close();
        assertEquals(Producer.CLOSED, producer.offer(source, 0, 8));
    }
}
