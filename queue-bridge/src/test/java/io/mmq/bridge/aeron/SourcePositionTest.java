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
            for (final long previousEnd : new long[] {0, 8, 123_456_789_000L, SourcePosition.MAX_POSITION})
            {
                final long value = SourcePosition.pack(previousEnd, capacity);
                assertTrue(value >= 0);
                assertEquals(previousEnd, SourcePosition.previousEnd(value));
                assertEquals(capacity, SourcePosition.capacity(value));
            }
        }
    }

    @Test
    void aMessageEndsAFrameAfterThePreviousOneUnlessItsFrameDoesNotFitBeforeTheEndOfTheRing()
    {
        assertEquals(4000 + 88, SourcePosition.end(SourcePosition.pack(4000, 4096), 80), "8 + 80 = 88 bytes fit in 96");
        assertEquals(4096 + 112, SourcePosition.end(SourcePosition.pack(4000, 4096), 100), "112 do not: the next lap");
        assertEquals(2 * 4096 + 16, SourcePosition.end(SourcePosition.pack(4096 + 4088, 4096), 1), "16 bytes in 8");
        assertEquals(2 * 4096, SourcePosition.end(SourcePosition.pack(4096 + 4088, 4096), 0), "an empty message's 8 fit");
        assertEquals(16, SourcePosition.end(SourcePosition.pack(0, 4096), 5), "align8(8 + 5) = 16");
    }

    @Test
    void aSmallMessageLostJustBeforeTheRingsEndIsToldApartFromPaddingByWhereThePreviousMessageEnded()
    {
        // Applied: a message ending at 4000. Lost: one of 40 bytes, 4000 to 4048. Next: 100 bytes, which do not
        // fit at 4048 and go to the next lap, ending at 4096 + 112: where they would end after 4000 too.
        final long next = SourcePosition.pack(4048, 4096);
        assertEquals(SourcePosition.end(SourcePosition.pack(4000, 4096), 100), SourcePosition.end(next, 100),
            "by its end alone the next message would seem to follow the applied one");
        assertNotEquals(4000, SourcePosition.previousEnd(next), "by the end it carries, it does not: a gap of [4000, 4048)");
    }

    @Test
    void everyMessageOfARealQueueEndsWhereTheRuleSaysAcrossManyWraps()
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
                    final long value = SourcePosition.pack(previousEnd[0], 4096);
                    assertEquals(consumer.position(), SourcePosition.end(value, length),
                        "message after " + previousEnd[0] + " of " + length + " bytes");
                    previousEnd[0] = consumer.position();
                    checked[0]++;
                }, 1));
            }
            assertEquals(20_000, checked[0]);
            assertTrue(previousEnd[0] > 1000 * 4096L, "the ring wrapped many times: " + previousEnd[0]);
        }
    }

    /**
     * A producer that claims a large message near the ring's end writes the padding at the claim; if it then
     * aborts (or dies before committing), the small message that follows starts the next lap although it
     * would have fitted. Only the outbound bridge, which reads where the message really ends, can tell.
     */
    @Test
    void aMessageAfterAnAbortedClaimsPaddingEndsWhereTheOutboundSaysNotWhereItWouldHaveFitted()
    {
        try (MappedQueue queue = MappedQueue.create(directory.resolve("aborted.mmq"),
                QueueOptions.defaults().withCapacity(4096).withMaxMessageLength(512));
             Producer producer = queue.producer();
             Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[512]);
            final io.mmq.BufferClaim claim = new io.mmq.BufferClaim();
            final long[] previousEnd = {0};
            final int[] padded = {0};
            for (int i = 0; i < 2_000; i++)
            {
                if (i % 7 == 3)
                {
                    assertTrue(producer.tryClaim(512, claim) > 0); // pads if 520 bytes do not fit before the end
                    claim.abort();
                }
                assertTrue(producer.offer(message, 0, 16) > 0);
                assertEquals(1, consumer.poll((buffer, offset, length) ->
                {
                    final long end = consumer.position();
                    final long value = SourcePosition.pack(previousEnd[0], end, length, 4096);
                    assertEquals(end, SourcePosition.end(value, length), "message after " + previousEnd[0]);
                    if (SourcePosition.end(SourcePosition.pack(previousEnd[0], 4096), length) != end)
                    {
                        padded[0]++; // the rule without the outbound's word would have seen a gap here
                    }
                    previousEnd[0] = end;
                }, 1));
            }
            assertTrue(padded[0] > 10, "aborted claims padded before messages that would have fitted: " + padded[0]);
        }
    }
}
