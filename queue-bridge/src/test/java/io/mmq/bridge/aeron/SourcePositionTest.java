package io.mmq.bridge.aeron;

import java.nio.file.Path;
import java.util.Random;

import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The source position the bridges carry, and the rule the inbound bridge finds gaps with, against a real
 * queue: where each message really starts, ring wraps and their padding included.
 */
class SourcePositionTest
{
    @TempDir
    Path directory;

    @Test
    void aPositionAndACapacityGoInOneNonNegativeValueAndComeOutAsTheyWent()
    {
        for (final int capacity : new int[] {4096, 1 << 20, 1 << 30})
        {
            for (final long end : new long[] {0, 8, 123_456_789_000L, SourcePosition.MAX_POSITION})
            {
                final long value = SourcePosition.pack(end, capacity);
                assertTrue(value >= 0);
                assertEquals(end, SourcePosition.end(value));
                assertEquals(capacity, SourcePosition.capacity(value));
            }
        }
    }

    @Test
    void theNextMessageStartsWhereTheLastEndedUnlessItsFrameDoesNotFitBeforeTheEndOfTheRing()
    {
        assertEquals(4000, SourcePosition.expectedStart(4000, 80, 4096), "8 + 80 = 88 bytes fit in the 96 left");
        assertEquals(4096, SourcePosition.expectedStart(4000, 100, 4096), "112 bytes do not: the next lap");
        assertEquals(2 * 4096, SourcePosition.expectedStart(4096 + 4088, 1, 4096), "16 bytes in 8: the next lap");
        assertEquals(4096 + 4088, SourcePosition.expectedStart(4096 + 4088, 0, 4096), "an empty message's 8 bytes fit");
        assertEquals(4000 - 16, SourcePosition.start(SourcePosition.pack(4000, 4096), 5), "align8(8 + 5) = 16");
    }

    @Test
    void everyMessageOfARealQueueStartsWhereTheRuleSaysAcrossManyWraps()
    {
        final Random random = new Random(12);
        try (MappedQueue queue = MappedQueue.create(directory.resolve("q.mmq"),
                QueueOptions.defaults().withCapacity(4096).withMaxMessageLength(512));
             Producer producer = queue.producer();
             Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[512]);
            final long[] previousEnd = {consumer.position()};
            final int[] checked = {0};
            for (int i = 0; i < 20_000; i++)
            {
                assertTrue(producer.offer(message, 0, random.nextInt(513)) > 0);
                assertEquals(1, consumer.poll((buffer, offset, length) ->
                {
                    final long value = SourcePosition.pack(consumer.position(), 4096);
                    assertEquals(SourcePosition.expectedStart(previousEnd[0], length, 4096), SourcePosition.start(value, length),
                        "message after " + previousEnd[0] + " of " + length + " bytes");
                    previousEnd[0] = consumer.position();
                    checked[0]++;
                }, 1));
            }
            assertEquals(20_000, checked[0]);
            assertTrue(previousEnd[0] > 1000 * 4096L, "the ring wrapped many times: " + previousEnd[0]);
        }
    }
}
