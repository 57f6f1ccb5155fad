package io.mmq.mmap;

import java.nio.file.Files;
import java.nio.file.Path;

import io.mmq.MessageQueue;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.layout.HeaderLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A queue file knows which file it is: a queue deleted and created again at the same path starts its
 * positions at 0 again, and its creation id is what tells whoever kept a place in the old one.
 */
class CreationIdTest
{
    private static final QueueOptions OPTIONS = QueueOptions.defaults().withCapacity(8192).withMaxMessageLength(512);

    private Path directory;
    private Path file;

    @BeforeEach
    void setUp() throws Exception
    {
        directory = TempQueues.directory();
        file = directory.resolve("q.mmq");
    }

    @AfterEach
    void tearDown() throws Exception
    {
        TempQueues.delete(directory);
    }

    @Test
    void aNewQueueHasACreationIdThatEveryOpeningReads() throws Exception
    {
        final long created;
        try (MappedQueue queue = MappedQueue.create(file, OPTIONS))
        {
            created = queue.creationId();
        }
        assertNotEquals(MessageQueue.NO_CREATION_ID, created);
        assertEquals(created, FileBytes.readLong(file, 48), "the id is the header's bytes 48 to 55 (docs/format.md)");
        try (MappedQueue queue = MappedQueue.open(file))
        {
            assertEquals(created, queue.creationId());
        }
    }

    @Test
    void aQueueCreatedAgainAtTheSamePathHasAnotherCreationId() throws Exception
    {
        final long first;
        try (MappedQueue queue = MappedQueue.create(file, OPTIONS))
        {
            first = queue.creationId();
        }
        Files.delete(file);
        try (MappedQueue queue = MappedQueue.create(file, OPTIONS))
        {
            assertNotEquals(first, queue.creationId());
            assertNotEquals(MessageQueue.NO_CREATION_ID, queue.creationId());
        }
    }

    @Test
    void aFileOlderThanFormat7HasNoCreationIdAndStillOpens() throws Exception
    {
        try (MappedQueue queue = MappedQueue.create(file, OPTIONS))
        {
            assertNotEquals(MessageQueue.NO_CREATION_ID, queue.creationId());
        }
        // Made a version-6 file, whose bytes 48 to 55 are reserved: what they hold is not an id.
        FileBytes.writeInt(file, HeaderLayout.VERSION_OFFSET, HeaderLayout.CREATION_ID_VERSION - 1);
        try (MappedQueue queue = MappedQueue.open(file, OPTIONS); Producer producer = queue.producer())
        {
            assertEquals(MessageQueue.NO_CREATION_ID, queue.creationId());
            assertTrue(producer.offer(new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8) > 0);
        }
        assertEquals(HeaderLayout.CREATION_ID_VERSION - 1, FileBytes.readInt(file, HeaderLayout.VERSION_OFFSET),
            "opening an older file never changes its version");
    }
}
