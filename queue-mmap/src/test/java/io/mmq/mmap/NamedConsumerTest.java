package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmq.Consumer;
import io.mmq.ConsumerLappedException;
import io.mmq.ConsumerNameTakenException;
import io.mmq.ConsumerOptions;
import io.mmq.ConsumerOptions.Absence;
import io.mmq.ConsumerOptions.Commit;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.layout.HeaderLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Named consumers keep their place in the file: whoever opens the name next resumes exactly there.
 * (Their surviving the death of their process, with real processes, is in
 * {@code process.NamedConsumerRestartTest}.)
 */
class NamedConsumerTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final int MESSAGE = 1000;

    private Path directory;
    private Path file;
    private MappedQueue queue;
    private Producer producer;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE]);
    private long sequence;

    @BeforeEach
    void createQueue() throws IOException
    {
        directory = TempQueues.directory();
        file = directory.resolve("named.mmq");
        queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(4096).withConsumerSlots(4));
        producer = queue.producer();
    }

    @AfterEach
    void deleteQueue() throws IOException
    {
        queue.close();
        TempQueues.delete(directory);
    }

    private long publish(final int count)
    {
        long result = 0;
        for (int i = 0; i < count; i++)
        {
            message.putLong(0, sequence);
            result = producer.offer(message, 0, MESSAGE);
            if (result < 0)
            {
                return result;
            }
            sequence++;
        }
        return result;
    }

    private static List<Long> poll(final Consumer consumer, final int limit)
    {
        final List<Long> got = new ArrayList<>();
        consumer.poll((buffer, offset, length) -> got.add(buffer.getLong(offset)), limit);
        return got;
    }

    private static List<Long> range(final long from, final long to)
    {
        final List<Long> range = new ArrayList<>();
        for (long i = from; i < to; i++)
        {
            range.add(i);
        }
        return range;
    }

    @Test
    void aNameResumesExactlyWhereItsLastHolderStopped()
    {
        try (Consumer first = queue.consumer(ConsumerOptions.named("billing").startingAt(StartPosition.EARLIEST)))
        {
            publish(10);
            assertEquals(range(0, 4), poll(first, 4));
        }
        publish(5);
        try (Consumer again = queue.consumer(ConsumerOptions.named("billing")))
        {
            assertEquals(range(4, 15), poll(again, 100), "where it stopped, not LATEST");
        }
    }

    @Test
    void aNameHasOneLiveHolderAtATime()
    {
        try (Consumer holder = queue.consumer(ConsumerOptions.named("billing")))
        {
            final ConsumerNameTakenException taken = assertThrows(ConsumerNameTakenException.class,
                () -> queue.consumer(ConsumerOptions.named("billing")));
            assertTrue(taken.getMessage().contains("'billing' is open in a live process (pid " +
                ProcessHandle.current().pid() + ")"), taken.getMessage());
            queue.consumer(ConsumerOptions.named("audit")).close();
        }
    }

    @Test
    void withExplicitCommitsWhatWasPolledButNotCommittedIsSeenAgain()
    {
        final ConsumerOptions options = ConsumerOptions.named("orders").startingAt(StartPosition.EARLIEST)
            .withCommit(Commit.EXPLICIT);
        publish(10);
        try (Consumer consumer = queue.consumer(options))
        {
            assertEquals(range(0, 6), poll(consumer, 6));
            consumer.commit();
            assertEquals(range(6, 10), poll(consumer, 100));
        }
        try (Consumer again = queue.consumer(options))
        {
            assertEquals(range(6, 10), poll(again, 100), "exactly the uncommitted ones");
        }
    }

    @Test
    void aCommitInsideAHandlerTakesEffectOnlyOnceTheHandlerHasReturned()
    {
        try (Consumer consumer = queue.consumer(ConsumerOptions.named("orders").startingAt(StartPosition.EARLIEST)
            .withCommit(Commit.EXPLICIT)))
        {
            assertEquals(Producer.BACK_PRESSURED, publish(2 * CAPACITY / MESSAGE), "this consumer holds a full ring");
            final long[] publishedWhileHandling = new long[1];
            consumer.poll((buffer, offset, length) ->
            {
                final byte[] before = new byte[length];
                buffer.getBytes(offset, before);
                consumer.commit(); // "commit, then process": the bytes being processed must stay put
                publishedWhileHandling[0] = publish(1);
                final byte[] after = new byte[length];
                buffer.getBytes(offset, after);
                assertTrue(java.util.Arrays.equals(before, after), "the message changed under its handler");
            }, 1);
            assertEquals(Producer.BACK_PRESSURED, publishedWhileHandling[0]);
            assertEquals(consumer.position(), queue.counters().consumerPosition(consumer.slot()),
                "the commit took effect when the handler returned");
        }
    }

    @Test
    void anAbsentNameHoldsTheProducerBackUntilItReturnsOrIsDeleted()
    {
        queue.consumer(ConsumerOptions.named("billing")).close();
        assertEquals(Producer.BACK_PRESSURED, publish(2 * CAPACITY / MESSAGE), "the ring filled behind the absent name");
        final long heldAt = sequence;

        try (Consumer back = queue.consumer(ConsumerOptions.named("billing")))
        {
            assertEquals(range(0, heldAt), poll(back, Integer.MAX_VALUE), "everything, nothing lost");
        }
        assertEquals(Producer.BACK_PRESSURED, publish(2 * CAPACITY / MESSAGE));
        queue.deleteConsumer("billing");
        assertTrue(publish(2 * CAPACITY / MESSAGE) > 0, "deleting the name releases the producer");
        assertEquals(0, queue.counters().heldSlots());
    }

    @Test
    void anAbsentNameThatLetsTheProducerLapIsToldExactlyWhatItMissed()
    {
        final ConsumerOptions options = ConsumerOptions.named("dashboard").startingAt(StartPosition.EARLIEST)
            .whenAbsent(Absence.LET_PRODUCER_LAP);
        final long leftAt;
        try (Consumer consumer = queue.consumer(options))
        {
            publish(10);
            assertEquals(range(0, 10), poll(consumer, 100));
            leftAt = consumer.position();
        }
        assertTrue(publish(5 * CAPACITY / MESSAGE) > 0, "never held back by the absent name");
        final int slot = 0;
        assertEquals("LAPPED", queue.counters().consumerState(slot));
        assertEquals("dashboard", queue.counters().consumerName(slot));

        try (Consumer back = queue.consumer(options))
        {
            final ConsumerLappedException lapped = assertThrows(ConsumerLappedException.class, () -> poll(back, 100));
            assertEquals(leftAt, lapped.missedFrom());
            assertEquals(back.position(), lapped.resumesAt());
            assertTrue(lapped.resumesAt() > leftAt);
            final List<Long> after = poll(back, Integer.MAX_VALUE);
            assertEquals(range(after.get(0), sequence), after, "from the resume position on, everything in order");
            assertTrue(after.get(0) > 10);
        }
    }

    @Test
    void aNameThatKeepsUpIsNeverToldItWasLapped()
    {
        final ConsumerOptions options = ConsumerOptions.named("steady").startingAt(StartPosition.EARLIEST)
            .whenAbsent(Absence.LET_PRODUCER_LAP);
        for (int round = 0; round < 20; round++)
        {
            publish(CAPACITY / MESSAGE / 2);
            try (Consumer consumer = queue.consumer(options))
            {
                assertEquals(range(sequence - CAPACITY / MESSAGE / 2, sequence), poll(consumer, Integer.MAX_VALUE));
            }
        }
    }

    @Test
    void aLiveNameCannotBeDeletedAndAnUnknownOneIsNamed()
    {
        try (Consumer holder = queue.consumer(ConsumerOptions.named("billing")))
        {
            assertThrows(ConsumerNameTakenException.class, () -> queue.deleteConsumer("billing"));
        }
        final MmqException unknown = assertThrows(MmqException.class, () -> queue.deleteConsumer("nobody"));
        assertEquals(file + ": there is no consumer named 'nobody'", unknown.getMessage());
        queue.deleteConsumer("billing");
        assertThrows(MmqException.class, () -> queue.deleteConsumer("billing"), "gone");
    }

    @Test
    void namesAreCheckedAndAFileOlderThanVersion4RefusesThem()
    {
        assertThrows(IllegalArgumentException.class, () -> ConsumerOptions.named(""));
        assertThrows(IllegalArgumentException.class, () -> ConsumerOptions.named("x".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> ConsumerOptions.named("a\0b"));
        ConsumerOptions.named("é".repeat(32)); // 64 bytes of UTF-8

        try (MappedQueue v3 = patchedVersion(3))
        {
            final MmqException refused = assertThrows(MmqException.class, () -> v3.consumer(ConsumerOptions.named("a")));
            assertTrue(refused.getMessage().contains("format version 3, and named consumers need version 4"),
                refused.getMessage());
        }
    }

    private MappedQueue patchedVersion(final int version)
    {
        // Another file, patched before this JVM maps it (closing a channel of a mapped queue file would drop our locks).
        final Path other = directory.resolve("v" + version + ".mmq");
        MappedQueue.create(other, QueueOptions.defaults().withCapacity(CAPACITY)).close();
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(other,
            java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE))
        {
            channel.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, version),
                HeaderLayout.VERSION_OFFSET);
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
        return MappedQueue.open(other);
    }
}
