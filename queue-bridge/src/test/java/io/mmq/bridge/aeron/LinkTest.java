package io.mmq.bridge.aeron;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Outbound and inbound links over {@code aeron:ipc}, each end with a client of its own as two processes
 * would have. Nothing here waits on a clock: every loop waits for a condition the driver brings about.
 */
class LinkTest
{
    /** Three 64 KiB terms: a 32 KiB window, messages of up to 8 KiB. */
    private static final String CHANNEL = "aeron:ipc?term-length=64k";
    private static final int STREAM = 7;
    private static final int WINDOW = 32 * 1024;

    @TempDir
    Path temporary;

    private EmbeddedMediaDriver driver;
    private AeronClient publisher;
    private AeronClient subscriber;

    @BeforeEach
    void launch()
    {
        driver = EmbeddedMediaDriver.launch(temporary.resolve("aeron"));
        publisher = AeronClient.connect(driver.directory());
        subscriber = AeronClient.connect(driver.directory());
    }

    @AfterEach
    void close()
    {
        publisher.close();
        subscriber.close();
        driver.close();
    }

    @Test
    void whatAHandlerThrowsComesOutOfThePollAndItsMessageStaysUnreadForTheNextPoll()
    {
        try (InboundLink in = subscriber.subscribe(CHANNEL, STREAM);
            OutboundLink out = publisher.publish(CHANNEL, STREAM))
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8 * 1024]);
            for (int i = 0; i < 3; i++)
            {
                final int length = 1 == i ? 8 * 1024 : 8; // the second in two fragments (the MTU is 8 KiB)
                fill(message, i, length);
                while (out.offer(message, 0, length) < 0)
                {
                    assertTrue(in.poll((buffer, offset, size) -> { }, 0) >= 0);
                }
            }
            final List<byte[]> seen = new ArrayList<>();
            final IllegalStateException refused = new IllegalStateException("refused");
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (seen.isEmpty())
            {
                assertTrue(System.nanoTime() - deadline < 0, "the first message arrives within 10 s");
                in.poll((buffer, offset, size) -> seen.add(copy(buffer, offset, size)), 1);
            }
            IllegalStateException thrown = null;
            while (null == thrown)
            {
                assertTrue(System.nanoTime() - deadline < 0, "the handler's exception came out of a poll within 10 s; " +
                    "seen " + seen.size() + " messages");
                try
                {
                    in.poll((buffer, offset, size) ->
                    {
                        seen.add(copy(buffer, offset, size));
                        throw refused;
                    }, 10);
                }
                catch (final IllegalStateException ex)
                {
                    thrown = ex;
                }
            }
            assertSame(refused, thrown);
            assertEquals(2, seen.size(), "the poll stopped at the message whose handler threw");
            while (seen.size() < 4)
            {
                assertTrue(System.nanoTime() - deadline < 0, "the rest arrives within 10 s");
                in.poll((buffer, offset, size) -> seen.add(copy(buffer, offset, size)), 10);
            }
            // Message 0; message 1, refused; message 1 again, whole (its two fragments put together once); message 2.
            final int[] sequences = {0, 1, 1, 2};
            for (int i = 0; i < sequences.length; i++)
            {
                final int length = 1 == sequences[i] ? 8 * 1024 : 8;
                fill(message, sequences[i], length);
                final byte[] expected = new byte[length];
                message.getBytes(0, expected);
                assertArrayEquals(expected, seen.get(i), "delivery " + i + " is message " + sequences[i]);
            }
        }
    }

    @Test
    void everyMessageOfferedIsPolledWholeAndInOrderThoseLongerThanTheMtuReassembled()
    {
        // Empty, small, the longest single fragment under the 8 KiB MTU, one byte more, several fragments.
        final int[] lengths = {0, 1, 13, 64, EmbeddedMediaDriver.IPC_MTU_LENGTH - 32,
            EmbeddedMediaDriver.IPC_MTU_LENGTH - 31, 8 * 1024, 8 * 1024};
        final int count = 200;
        try (InboundLink in = subscriber.subscribe(CHANNEL, STREAM);
            OutboundLink out = publisher.publish(CHANNEL, STREAM))
        {
            assertEquals(8 * 1024, out.maxMessageLength(), "an eighth of the 64 KiB term");
            final List<byte[]> received = new ArrayList<>();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8 * 1024]);
            for (int i = 0; i < count; i++)
            {
                final int length = lengths[i % lengths.length];
                fill(message, i, length);
                long result;
                while ((result = out.offer(message, 0, length)) < 0)
                {
                    assertTrue(result == OutboundLink.NOT_CONNECTED || result == OutboundLink.BACK_PRESSURED ||
                        result == OutboundLink.ADMIN_ACTION, OutboundLink.statusName(result));
                    in.poll((buffer, offset, size) -> received.add(copy(buffer, offset, size)), 10);
                }
            }
            while (received.size() < count)
            {
                in.poll((buffer, offset, size) -> received.add(copy(buffer, offset, size)), 10);
            }
            for (int i = 0; i < count; i++)
            {
                final int length = lengths[i % lengths.length];
                final UnsafeBuffer expected = new UnsafeBuffer(new byte[length]);
                fill(expected, i, length);
                assertArrayEquals(expected.byteArray(), received.get(i), "message " + i + " of " + length + " bytes");
            }
            assertEquals(count, received.size());
        }
    }

    @Test
    void anOfferWithNoSubscriberIsNotConnectedAndOneAfterCloseIsClosed()
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        final OutboundLink out = publisher.publish(CHANNEL, STREAM);
        assertFalse(out.isConnected());
        assertEquals(OutboundLink.NOT_CONNECTED, out.offer(message, 0, 64));
        assertEquals("NOT_CONNECTED", OutboundLink.statusName(OutboundLink.NOT_CONNECTED));
        out.close();
        assertEquals(OutboundLink.CLOSED, out.offer(message, 0, 64));
        assertEquals("CLOSED", OutboundLink.statusName(OutboundLink.CLOSED));
        out.close();
    }

    @Test
    void aPublisherAWindowAheadOfItsSubscriberIsBackPressuredUntilTheSubscriberReads()
    {
        final int frame = 1024;
        final int length = frame - 32; // a 32-byte header before it, and 32-byte alignment, make a frame of 1 KiB
        final UnsafeBuffer message = new UnsafeBuffer(new byte[length]);
        try (InboundLink in = subscriber.subscribe(CHANNEL, STREAM);
            OutboundLink out = publisher.publish(CHANNEL, STREAM))
        {
            // Until the driver has set the first limit (subscriber position + window) nothing goes.
            long result;
            while ((result = out.offer(message, 0, length)) < 0)
            {
                assertTrue(result == OutboundLink.NOT_CONNECTED || result == OutboundLink.BACK_PRESSURED,
                    OutboundLink.statusName(result));
            }
            // The subscriber does not read, so the limit stays where it is: a window past position 0.
            long position = result;
            while ((result = out.offer(message, 0, length)) > 0)
            {
                position = result;
            }
            assertEquals("BACK_PRESSURED", OutboundLink.statusName(result));
            assertEquals(WINDOW, position, "offers stop where the window ends");

            final int[] read = {0};
            while (read[0] < position / frame)
            {
                in.poll((buffer, offset, size) -> read[0]++, 100);
            }
            while ((result = out.offer(message, 0, length)) < 0)
            {
                assertEquals("BACK_PRESSURED", OutboundLink.statusName(result), "until the driver moves the limit");
            }
            assertEquals(position + frame, result);
        }
    }

    private static void fill(final UnsafeBuffer buffer, final int sequence, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)(sequence * 31 + i));
        }
    }

    private static byte[] copy(final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
