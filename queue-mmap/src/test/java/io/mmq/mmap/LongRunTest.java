package io.mmq.mmap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.layout.HeaderLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Positions are 64-bit and nothing overflows on the way: more than 2^32 bytes through a small ring, the
 * 24-bit lap check wrapping around, and the largest ring wrapping at its far end. Counters are started
 * just below their limits by writing a valid, empty queue's positions directly, as a long-lived queue
 * would have them.
 */
class LongRunTest
{
    private Path directory;

    @BeforeEach
    void setUp() throws Exception
    {
        directory = TempQueues.directory();
    }

    @AfterEach
    void tearDown() throws Exception
    {
        TempQueues.delete(directory);
    }

    @Test
    void moreThanFourGibibytesFlowThroughASmallRingWithEveryPositionRight() throws Exception
    {
        final int capacity = 1 << 20;
        final Path file = directory.resolve("long.mmq");
        final long bytes = traffic(file, QueueOptions.defaults().withCapacity(capacity), 0, (5L << 30), capacity / 8);
        assertTrue(bytes > (1L << 32) + (1L << 30), "pushed " + bytes + " bytes");
    }

    @Test
    void theLapCheckWrapsAroundAfterTwoToTheTwentyFourLaps() throws Exception
    {
        final int capacity = 4096;
        final long lapWrap = (1L << 24) * capacity;
        final Path file = directory.resolve("laps.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(capacity)).close();
        startAt(file, lapWrap - 5 * capacity + 8);
        traffic(file, null, lapWrap - 5 * capacity + 8, lapWrap + 10L * capacity, 300);
    }

    @Test
    void positionsCrossTheIntAndUnsignedIntBoundaries() throws Exception
    {
        for (final long start : new long[] {(1L << 31) - 4096, (1L << 32) - 4096})
        {
            final Path file = directory.resolve("boundary-" + start + ".mmq");
            MappedQueue.create(file, QueueOptions.defaults().withCapacity(8192)).close();
            startAt(file, start);
            traffic(file, null, start, start + 10 * 8192, 1000);
        }
    }

    @Test
    void theLargestRingWrapsAroundAtItsFarEnd() throws Exception
    {
        final int capacity = QueueOptions.MAX_CAPACITY;
        final Path file = directory.resolve("largest.mmq");
        final QueueOptions options = QueueOptions.defaults().withCapacity(capacity).withPretouch(false);
        MappedQueue.create(file, options).close();
        final long start = capacity - (3 << 20);
        startAt(file, start);
        traffic(file, options, start, capacity + (3L << 20), 64 * 1024);

        final IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
            () -> QueueOptions.defaults().withCapacity(capacity * 2));
        assertTrue(tooLarge.getMessage().contains(String.valueOf(capacity)), tooLarge.getMessage());
    }

    /**
     * Publishes messages of up to {@code maxLength} bytes from position {@code start} until position
     * {@code end}, reading each as it goes and checking its content and the positions on both sides.
     *
     * @return the bytes of positions covered.
     */
    private static long traffic(
        final Path file, final QueueOptions create, final long start, final long end, final int maxLength)
    {
        final CheckedMessages messages = new CheckedMessages(start, maxLength);
        try (MappedQueue queue = null == create ? MappedQueue.open(file) : MappedQueue.openOrCreate(file, create);
             Producer producer = queue.producer();
             Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            assertEquals(start, producer.position());
            assertEquals(start, consumer.position());
            final UnsafeBuffer message = new UnsafeBuffer(new byte[maxLength]);
            final List<String> failures = new ArrayList<>();
            long seq = 0;
            long position = start;
            while (position < end)
            {
                final int length = messages.write(message, 0, seq);
                position = producer.offer(message, 0, length);
                assertTrue(position > 0, "offer at " + producer.position());
                final long expected = seq;
                assertEquals(1, consumer.poll((buffer, offset, len) ->
                {
                    final String failure = messages.check(buffer, offset, len, expected);
                    if (null != failure)
                    {
                        failures.add(failure);
                    }
                }, 10));
                assertEquals(position, consumer.position(), "consumer position after message " + seq);
                seq++;
            }
            assertEquals(List.of(), failures);
            assertEquals(0, consumer.lag());
            return position - start;
        }
    }

    /**
     * Makes an empty queue look like one whose producer has already reached {@code position}.
     */
    static void startAt(final Path file, final long position) throws Exception
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (final int offset : new int[] {HeaderLayout.PRODUCER_POSITION_OFFSET, HeaderLayout.JOIN_POSITION_OFFSET,
                HeaderLayout.RECLAIM_POSITION_OFFSET})
            {
                channel.write(value.clear().putLong(0, position), offset);
            }
        }
    }
}
