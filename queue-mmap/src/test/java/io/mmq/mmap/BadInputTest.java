package io.mmq.mmap;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.stream.Stream;

import io.mmq.Consumer;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueFormatException;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.layout.ConsumerSlotLayout;
import io.mmq.mmap.layout.FrameLayout;
import io.mmq.mmap.layout.HeaderLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A file that is not a valid queue is refused with an exception that names the file and the field, and
 * not one byte of it changes. A damaged record stops a reader with an exception, inside the ring.
 */
class BadInputTest
{
    private static final QueueOptions OPTIONS =
        QueueOptions.defaults().withCapacity(8192).withMaxMessageLength(512).withConsumerSlots(2);

    private Path directory;
    private Path file;

    @BeforeEach
    void setUp() throws Exception
    {
        directory = TempQueues.directory();
        file = directory.resolve("bad.mmq");
    }

    @AfterEach
    void tearDown() throws Exception
    {
        TempQueues.delete(directory);
    }

    @Test
    void aWrongMagicIsNotAQueue() throws Exception
    {
        createQueue();
        FileBytes.writeInt(file, HeaderLayout.MAGIC_OFFSET, 0x12345678);
        assertRefusedUnchanged("magic", OPTIONS);
    }

    @Test
    void aNewerFormatVersionIsRefusedAsNewer() throws Exception
    {
        createQueue();
        FileBytes.writeInt(file, HeaderLayout.VERSION_OFFSET, HeaderLayout.FORMAT_VERSION + 1);
        assertTrue(assertRefusedUnchanged("format version", OPTIONS).getMessage().contains("newer"));
    }

    @Test
    void anOlderFormatVersionIsRefusedWithTheVersionsThisMmqReads() throws Exception
    {
        createQueue();
        FileBytes.writeInt(file, HeaderLayout.VERSION_OFFSET, 1);
        assertRefusedUnchanged("format version is 1, this mmq reads versions " + HeaderLayout.OLDEST_READABLE_VERSION +
            " to " + HeaderLayout.FORMAT_VERSION, OPTIONS);
    }

    @Test
    void aVersion2FileIsReadAsAQueueThatNeverEvicts() throws Exception
    {
        createQueue();
        FileBytes.writeInt(file, HeaderLayout.VERSION_OFFSET, 2);
        try (MappedQueue queue = MappedQueue.open(file, OPTIONS))
        {
            assertEquals(io.mmq.SlowConsumerPolicy.block(), queue.options().slowConsumerPolicy());
            queue.producer().offer(new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8);
        }
    }

    @Test
    void aCurrentFormatFileWithoutACreationIdIsRefused() throws Exception
    {
        createQueue();
        FileBytes.writeLong(file, HeaderLayout.CREATION_ID_OFFSET, 0L);
        assertRefusedUnchanged("creation id is 0", OPTIONS);
    }

    @Test
    void anEvictionLagOutsideTheRingIsRefused() throws Exception
    {
        createQueue();
        FileBytes.writeLong(file, HeaderLayout.EVICTION_LAG_OFFSET, 1L << 40);
        assertRefusedUnchanged("eviction lag is 1099511627776", OPTIONS);
    }

    @Test
    void anEvictionLagShorterThanOneLargestFrameRoundedUpToEightBytesIsRefused() throws Exception
    {
        // A largest frame of 8 + 509 = 517 bytes takes 520 in the ring: a lag of 517 could evict a reader of it.
        MappedQueue.create(file, OPTIONS.withMaxMessageLength(509)
            .withSlowConsumerPolicy(io.mmq.SlowConsumerPolicy.evictAfterLag(520))).close();
        FileBytes.writeLong(file, HeaderLayout.EVICTION_LAG_OFFSET, 517);
        assertRefusedUnchanged("eviction lag is 517, neither 0 nor from one largest frame (520)", null);
    }

    @Test
    void aGeometryOtherThanTheOneAskedForIsRefused() throws Exception
    {
        createQueue();
        assertRefusedUnchanged("ring capacity", OPTIONS.withCapacity(16384));
        assertRefusedUnchanged("max message length", OPTIONS.withMaxMessageLength(256));
        assertRefusedUnchanged("consumer slots", OPTIONS.withConsumerSlots(3));
    }

    @Test
    void aCorruptGeometryFieldIsNamed() throws Exception
    {
        createQueue();
        FileBytes.writeInt(file, HeaderLayout.CAPACITY_OFFSET, 5000);
        assertRefusedUnchanged("ring capacity is 5000", null);
    }

    @Test
    void aTruncatedQueueIsRefused() throws Exception
    {
        createQueue();
        final byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        assertRefusedUnchanged("truncated", OPTIONS);
    }

    @Test
    void aFileShorterThanTheHeaderIsRefused() throws Exception
    {
        Files.write(file, new byte[100]);
        assertRefusedUnchanged("shorter than the 256-byte header", null);
        Files.write(file, new byte[0]);
        assertRefusedUnchanged("shorter than the 256-byte header", null);
    }

    @Test
    void aFileThatIsNotAQueueIsNeverReinitialised() throws Exception
    {
        Files.write(file, "a file that holds something else entirely\n".repeat(100).getBytes(StandardCharsets.US_ASCII));
        assertRefusedUnchanged("not an mmq queue", OPTIONS);

        final byte[] before = Files.readAllBytes(file);
        assertThrows(QueueFormatException.class, () -> MappedQueue.openOrCreate(file, OPTIONS));
        final MmqException error = assertThrows(MmqException.class, () -> MappedQueue.create(file, OPTIONS));
        assertTrue(error.getMessage().contains("already exists"), error.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void openingAMissingFileSaysSo()
    {
        final MmqException error = assertThrows(MmqException.class, () -> MappedQueue.open(file));
        assertTrue(error.getMessage().contains(file.toString()) && error.getMessage().contains("no queue file"),
            error.getMessage());
        assertFalse(Files.exists(file), "open never creates");
    }

    @Test
    void aCorruptFrameLengthStopsTheReaderInsideTheRing() throws Exception
    {
        createQueue();
        try (MappedQueue queue = MappedQueue.open(file);
             Consumer consumer = queue.consumer(StartPosition.LATEST);
             Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
            producer.offer(message, 0, 64);
            producer.offer(message, 0, 64);

            final int ring = HeaderLayout.ringOffset(2);
            for (final int corrupt : new int[] {Integer.MAX_VALUE, -8, 3, 8192, 512 + FrameLayout.HEADER_LENGTH + 1})
            {
                FileBytes.writeInt(file, ring, corrupt);
                final QueueFormatException error = assertThrows(QueueFormatException.class,
                    () -> consumer.poll((buffer, offset, length) -> fail("delivered a corrupt frame"), 10));
                assertTrue(error.getMessage().contains("corrupt record at position 0"), error.getMessage());
                assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
                assertEquals(0, consumer.position(), "the reader does not move past a bad record");
            }

            FileBytes.writeInt(file, ring, FrameLayout.HEADER_LENGTH + 64);
            FileBytes.writeInt(file, ring + FrameLayout.TYPE_AND_LAP_OFFSET, 77);
            final QueueFormatException badType = assertThrows(QueueFormatException.class,
                () -> consumer.poll((buffer, offset, length) -> fail("delivered a corrupt frame"), 10));
            assertTrue(badType.getMessage().contains("type-and-lap word is 0x0000004d"), badType.getMessage());

            // A well-formed message frame, but from the next lap: not the frame this position holds.
            FileBytes.writeInt(file, ring + FrameLayout.TYPE_AND_LAP_OFFSET, FrameLayout.TYPE_MESSAGE | (1 << 8));
            final QueueFormatException otherLap = assertThrows(QueueFormatException.class,
                () -> consumer.poll((buffer, offset, length) -> fail("delivered a frame from another lap"), 10));
            assertTrue(otherLap.getMessage().contains("another lap"), otherLap.getMessage());

            FileBytes.writeInt(file, ring + FrameLayout.TYPE_AND_LAP_OFFSET, FrameLayout.TYPE_MESSAGE);
            assertEquals(2, consumer.poll((buffer, offset, length) -> assertEquals(64, length), 10),
                "once repaired, the frames are read");
        }
    }

    @Test
    void aCorruptStartPositionInTheHeaderIsRefusedWhenJoining() throws Exception
    {
        createQueue();
        for (final long corrupt : new long[] {4094, -8, 1L << 40})
        {
            FileBytes.writeLong(file, HeaderLayout.JOIN_POSITION_OFFSET, corrupt);
            try (MappedQueue queue = MappedQueue.open(file))
            {
                final QueueFormatException error =
                    assertThrows(QueueFormatException.class, () -> queue.consumer(StartPosition.EARLIEST));
                assertTrue(error.getMessage().contains("start position " + corrupt), error.getMessage());
            }
        }
    }

    @Test
    void aCorruptConsumerPositionStopsTheProducerWithAClearError() throws Exception
    {
        createQueue();
        try (MappedQueue queue = MappedQueue.open(file);
             Consumer consumer = queue.consumer(StartPosition.LATEST);
             Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
            FileBytes.writeLong(file,
                ConsumerSlotLayout.slotOffset(consumer.slot()) + ConsumerSlotLayout.POSITION_OFFSET, 4);
            final QueueFormatException error = assertThrows(QueueFormatException.class, () ->
            {
                for (int i = 0; i < 1000; i++)
                {
                    producer.offer(message, 0, 64);
                }
            });
            assertTrue(error.getMessage().contains("consumer slot " + consumer.slot()), error.getMessage());
        }
    }

    @Test
    void openOrCreateThroughADanglingSymbolicLinkFailsInsteadOfLooping() throws Exception
    {
        final Path link = directory.resolve("link.mmq");
        Files.createSymbolicLink(link, directory.resolve("missing.mmq"));
        final MmqException error = assertThrows(MmqException.class, () -> MappedQueue.openOrCreate(link, OPTIONS));
        assertTrue(error.getMessage().contains("dangling"), error.getMessage());
    }

    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX permissions; a Windows file takes its directory's ACL")
    @Test
    void aNewFileIsReadableAndWritableByItsOwnerOnly() throws Exception
    {
        createQueue();
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));

        final Path shared = directory.resolve("shared.mmq");
        MappedQueue.create(shared, OPTIONS.withPermissions(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE))).close();
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), Files.getPosixFilePermissions(shared));
    }

    @Test
    void creationLeavesNoTemporaryFileBehind() throws Exception
    {
        createQueue();
        try (Stream<Path> files = Files.list(directory))
        {
            assertEquals(1, files.count());
        }
    }

    private void createQueue()
    {
        MappedQueue.create(file, OPTIONS).close();
    }

    private QueueFormatException assertRefusedUnchanged(final String expectedText, final QueueOptions expected)
        throws Exception
    {
        final byte[] before = Files.readAllBytes(file);
        final QueueFormatException error =
            assertThrows(QueueFormatException.class, () -> MappedQueue.open(file, expected));
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains(expectedText), error.getMessage());
        assertEquals(file, error.file());
        assertArrayEquals(before, Files.readAllBytes(file), "the file must be left exactly as it was");
        return error;
    }
}
