package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.mmq.BufferClaim;
import io.mmq.Consumer;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueFormatException;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.layout.HeaderLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.mmq.mmap.layout.HeaderLayout.CHECKPOINT_A_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.CHECKPOINT_B_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.CHECKPOINT_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.CHECKPOINT_VALUE_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint is published with a message and counts exactly when that message does: a producer opened
 * later finds the checkpoint of the last message in the queue. (A producer killed at random points and
 * resuming from its checkpoint, with real processes, is in {@code process.MultiProcessQueueTest}.)
 */
class CheckpointTest
{
    private static final int CAPACITY = 64 * 1024;

    private Path directory;
    private Path file;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);

    @BeforeEach
    void createQueue() throws IOException
    {
        directory = TempQueues.directory();
        file = directory.resolve("checkpoints.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY)).close();
    }

    @AfterEach
    void deleteQueue() throws IOException
    {
        TempQueues.delete(directory);
    }

    @Test
    void newFilesKeepCheckpointsAndHaveNone()
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertTrue(queue.counters().formatVersion() >= HeaderLayout.CHECKPOINTS_VERSION);
            assertEquals(Producer.NO_CHECKPOINT, producer.checkpoint());
            assertEquals(Producer.NO_CHECKPOINT, queue.counters().lastCheckpoint());
        }
    }

    @Test
    void theCheckpointOfTheLastMessageThatCarriedOneSurvivesTheProducer()
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            for (long offset = 100; offset < 105; offset++)
            {
                producer.attachCheckpoint(offset);
                assertTrue(producer.offer(message, 0, 8) > 0);
                assertEquals(offset, producer.checkpoint());
            }
            assertTrue(producer.offer(message, 0, 8) > 0, "a message without a checkpoint");
            assertEquals(104, producer.checkpoint(), "a message without one leaves the last checkpoint");
        }
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(104, producer.checkpoint());
            assertEquals(104, queue.counters().lastCheckpoint(), "what mmq stat shows");
        }
    }

    @Test
    void aCheckpointKeepsTheSourceAttachedWithItAndOneAttachedWithoutASourceHasNone() throws IOException
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(Producer.NO_SOURCE, producer.checkpointSource(), "no checkpoint, no source");
            producer.attachCheckpoint(7, 0x5eed_0001L);
            producer.offer(message, 0, 8);
            producer.attachCheckpoint(8, 0x5eed_0002L);
            producer.offer(message, 0, 8);
            assertEquals(0x5eed_0002L, producer.checkpointSource());
        }
        // docs/format.md: entry A's Source at header bytes 192 to 199, B's at 200 to 207; A took the first.
        assertEquals(0x5eed_0001L, FileBytes.readLong(file, 192));
        assertEquals(0x5eed_0002L, FileBytes.readLong(file, 200));
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(8, producer.checkpoint());
            assertEquals(0x5eed_0002L, producer.checkpointSource(), "the source survives the producer");
            producer.attachCheckpoint(9);
            producer.offer(message, 0, 8);
            assertEquals(Producer.NO_SOURCE, producer.checkpointSource());
        }
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(9, producer.checkpoint());
            assertEquals(Producer.NO_SOURCE, producer.checkpointSource(),
                "a checkpoint attached without a source does not inherit the entry's old one");
        }
    }

    @Test
    void theSourceOfACheckpointWhoseMessageWasNeverCommittedDoesNotCount() throws IOException
    {
        final long tail;
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            producer.attachCheckpoint(1, 11);
            producer.offer(message, 0, 8);
            producer.attachCheckpoint(2, 22);
            tail = producer.offer(message, 0, 8);
        }
        final int spare = spareEntry();
        FileBytes.writeLong(file, spare + CHECKPOINT_VALUE_OFFSET, 3);
        FileBytes.writeLong(file, HeaderLayout.checkpointSourceOffset(spare), 33);
        FileBytes.writeLong(file, spare + CHECKPOINT_POSITION_OFFSET, tail + 16); // died before committing message 3

        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(2, producer.checkpoint());
            assertEquals(22, producer.checkpointSource());
        }
    }

    @Test
    void aVersionSixFileKeepsCheckpointsButRefusesASourceAndSaysWhy() throws IOException
    {
        // Reserved bytes in version 6.
        FileBytes.writeLong(file, HeaderLayout.checkpointSourceOffset(CHECKPOINT_A_OFFSET), 99);
        FileBytes.writeInt(file, HeaderLayout.VERSION_OFFSET, HeaderLayout.CREATION_ID_VERSION - 1);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final MmqException refused = assertThrows(MmqException.class, () -> producer.attachCheckpoint(1, 5));
            assertTrue(refused.getMessage().contains(file + ": this queue file is format version 6, and a " +
                "checkpoint's source needs version 7"), refused.getMessage());
            producer.attachCheckpoint(1);
            producer.offer(message, 0, 8);
        }
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(1, producer.checkpoint());
            assertEquals(Producer.NO_SOURCE, producer.checkpointSource(), "reserved bytes are not a source");
        }
        assertEquals(99, FileBytes.readLong(file, HeaderLayout.checkpointSourceOffset(CHECKPOINT_A_OFFSET)),
            "a version-6 file's reserved bytes are left as they were");
    }

    @Test
    void aClaimCarriesTheCheckpointWhenCommittedAndAnAbortedOneLeavesItForTheNextMessage()
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final BufferClaim claim = new BufferClaim();
            producer.attachCheckpoint(7);
            assertTrue(producer.tryClaim(8, claim) > 0);
            claim.abort();
            assertEquals(Producer.NO_CHECKPOINT, producer.checkpoint(), "nothing was published");

            assertTrue(producer.tryClaim(8, claim) > 0);
            assertEquals(Producer.NO_CHECKPOINT, producer.checkpoint(), "not before the commit");
            claim.commit();
            assertEquals(7, producer.checkpoint());
        }
    }

    @Test
    void anOfferThatIsBackPressuredKeepsTheCheckpointForTheOfferThatSucceeds()
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer();
             Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            long offered = 0;
            while (producer.offer(message, 0, 64) > 0)
            {
                offered++;
            }
            producer.attachCheckpoint(42);
            assertEquals(Producer.BACK_PRESSURED, producer.offer(message, 0, 64));
            assertEquals(Producer.NO_CHECKPOINT, producer.checkpoint());

            assertEquals(offered, consumer.poll((buffer, offset, length) -> { }, Integer.MAX_VALUE));
            assertTrue(producer.offer(message, 0, 64) > 0);
            assertEquals(42, producer.checkpoint());
        }
    }

    /**
     * A producer that died after writing a checkpoint entry but before committing its message leaves an
     * entry whose Position lies past the last committed frame. Its successor must not count it, now or
     * after later messages reach that position.
     */
    @Test
    void aCheckpointWhoseMessageWasNeverCommittedIsDiscardedByTheNextProducer() throws IOException
    {
        final long tail;
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            producer.attachCheckpoint(1);
            producer.offer(message, 0, 8);
            producer.attachCheckpoint(2);
            tail = producer.offer(message, 0, 8);
        }
        final int spare = spareEntry();
        FileBytes.writeLong(file, spare + CHECKPOINT_VALUE_OFFSET, 3);
        FileBytes.writeLong(file, spare + CHECKPOINT_POSITION_OFFSET, tail + 16); // where message 3 would have ended

        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(2, producer.checkpoint(), "message 3 is not in the queue");
            for (int i = 0; i < 4; i++)
            {
                producer.offer(message, 0, 8); // past the dead entry's position, without checkpoints
            }
        }
        assertEquals(0, FileBytes.readLong(file, spare + CHECKPOINT_POSITION_OFFSET), "the dead entry was emptied");
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(2, producer.checkpoint());
        }
    }

    @Test
    void anEntryCaughtHalfRewrittenIsEmptyAndTheOtherStillCounts() throws IOException
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            producer.attachCheckpoint(1);
            producer.offer(message, 0, 8);
            producer.attachCheckpoint(2);
            producer.offer(message, 0, 8);
        }
        final int spare = spareEntry();
        FileBytes.writeLong(file, spare + CHECKPOINT_POSITION_OFFSET, 0); // the first of the three stores of a rewrite
        FileBytes.writeLong(file, spare + CHECKPOINT_VALUE_OFFSET, 3);   // and the second
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(2, producer.checkpoint());
        }
    }

    @Test
    void aDamagedEntryIsRefusedNamingTheFile() throws IOException
    {
        FileBytes.writeLong(file, CHECKPOINT_A_OFFSET + CHECKPOINT_POSITION_OFFSET, 13);
        try (MappedQueue queue = MappedQueue.open(file))
        {
            final QueueFormatException refused = assertThrows(QueueFormatException.class, queue::producer);
            assertTrue(refused.getMessage().contains(file.toString()) &&
                refused.getMessage().contains("checkpoint entry at header offset " + CHECKPOINT_A_OFFSET),
                refused.getMessage());
        }
    }

    @Test
    void twoEntriesWithOnePositionAreRefusedAsDamage() throws IOException
    {
        FileBytes.writeLong(file, CHECKPOINT_A_OFFSET + CHECKPOINT_POSITION_OFFSET, 8);
        FileBytes.writeLong(file, CHECKPOINT_B_OFFSET + CHECKPOINT_POSITION_OFFSET, 8);
        try (MappedQueue queue = MappedQueue.open(file))
        {
            final QueueFormatException refused = assertThrows(QueueFormatException.class, queue::producer);
            assertTrue(refused.getMessage().contains("both checkpoint entries hold position 8"), refused.getMessage());
        }
    }

    @Test
    void aNegativeCheckpointIsRefusedAndNoCheckpointDetachesOne()
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertThrows(IllegalArgumentException.class, () -> producer.attachCheckpoint(-5));
            producer.attachCheckpoint(3);
            producer.offer(message, 0, 8);
            producer.attachCheckpoint(4);
            producer.attachCheckpoint(Producer.NO_CHECKPOINT);
            producer.offer(message, 0, 8);
            assertEquals(3, producer.checkpoint(), "4 was detached before the second message");
        }
    }

    /**
     * The entry that counts is never written: each checkpoint goes to the other one, within a producer's
     * life and after a restart, so the two entries always hold the last two checkpoints.
     */
    @Test
    void theTwoEntriesTakeTurnsSoTheOneThatCountsIsNeverRewritten() throws IOException
    {
        final long[] ends = new long[6];
        publishCheckpoints(ends, 1, 2);
        assertEntriesHold(ends, 1, 2);
        publishCheckpoints(ends, 3);
        assertEntriesHold(ends, 2, 3); // 2 counted when this producer started: 1's entry took 3
        publishCheckpoints(ends, 4, 5);
        assertEntriesHold(ends, 4, 5);
    }

    /** Publishes a message with each checkpoint, noting where each ended; read the file only once closed. */
    private void publishCheckpoints(final long[] ends, final long... checkpoints)
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            for (final long checkpoint : checkpoints)
            {
                producer.attachCheckpoint(checkpoint);
                ends[(int)checkpoint] = producer.offer(message, 0, 8);
            }
        }
    }

    private void assertEntriesHold(final long[] ends, final long older, final long newer) throws IOException
    {
        final long[] entries = entries();
        final java.util.Set<List<Long>> held = java.util.Set.of(
            List.of(entries[0], entries[1]), List.of(entries[2], entries[3]));
        assertEquals(java.util.Set.of(List.of(ends[(int)older], older), List.of(ends[(int)newer], newer)), held,
            "each entry is a message's end and its checkpoint");
    }

    /**
     * A predecessor may die between committing a frame and storing the Producer Position: recovery counts a
     * checkpoint by the last committed frame, which it finds by walking, not by the header's position.
     */
    @Test
    void aCheckpointWhoseMessageWasCommittedCountsEvenIfTheProducerPositionLagsBehindIt() throws IOException
    {
        final long start;
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            producer.attachCheckpoint(1);
            start = producer.offer(message, 0, 8);
            producer.attachCheckpoint(2);
            producer.offer(message, 0, 8);
        }
        // As if it died before storing the position.
        FileBytes.writeLong(file, HeaderLayout.PRODUCER_POSITION_OFFSET, start);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(2, producer.checkpoint());
        }
    }

    @Test
    void aFileOlderThanVersionSixRefusesCheckpointsAndSaysWhy() throws IOException
    {
        FileBytes.writeInt(file, HeaderLayout.VERSION_OFFSET, 5);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(Producer.NO_CHECKPOINT, producer.checkpoint());
            final MmqException refused = assertThrows(MmqException.class, () -> producer.attachCheckpoint(1));
            assertTrue(refused.getMessage().contains(file + ": this queue file is format version 5, and checkpoints " +
                "need version 6"), refused.getMessage());
            assertTrue(producer.offer(message, 0, 8) > 0, "the queue itself works as before");
        }
    }

    /** @return Position and Value of entry A, then of entry B. */
    private long[] entries() throws IOException
    {
        return new long[] {
            FileBytes.readLong(file, CHECKPOINT_A_OFFSET + CHECKPOINT_POSITION_OFFSET),
            FileBytes.readLong(file, CHECKPOINT_A_OFFSET + CHECKPOINT_VALUE_OFFSET),
            FileBytes.readLong(file, CHECKPOINT_B_OFFSET + CHECKPOINT_POSITION_OFFSET),
            FileBytes.readLong(file, CHECKPOINT_B_OFFSET + CHECKPOINT_VALUE_OFFSET)};
    }

    /** @return the entry the next checkpoint would be written to: the one with the lower Position. */
    private int spareEntry() throws IOException
    {
        final long positionA = FileBytes.readLong(file, CHECKPOINT_A_OFFSET + CHECKPOINT_POSITION_OFFSET);
        final long positionB = FileBytes.readLong(file, CHECKPOINT_B_OFFSET + CHECKPOINT_POSITION_OFFSET);
        return positionA < positionB ? CHECKPOINT_A_OFFSET : CHECKPOINT_B_OFFSET;
    }
}
