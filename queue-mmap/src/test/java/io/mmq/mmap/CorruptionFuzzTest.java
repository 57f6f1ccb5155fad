package io.mmq.mmap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.mmq.Consumer;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.layout.HeaderLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Damaged files, case after case: a valid queue that has wrapped, with a consumer part-way, has a few of
 * its bytes flipped, zeroed or randomised (in the header, the consumer table or the ring). Opening it,
 * joining, reading everything and publishing must each end either normally or in an {@link MmqException}
 * that names the file: never another exception (an out-of-bounds read shows up as one, since Agrona
 * checks bounds), never a read beyond one lap of the ring, never a hang. Cases per run:
 * {@code -Dmmq.fuzz.cases=N} (a soak uses more).
 *
 * <p>With {@code -Dmmq.fuzz.corpus=DIR} (set by the build) every case is also written down for the
 * Python reader ({@code queue-examples/python/tests/test_corruption_corpus.py}): the intact file, and per
 * case the damaged bytes and what the Java consumer did with the file (messages delivered and a checksum
 * of them, then the end or an error). The Python reader must do the same.
 */
class CorruptionFuzzTest
{
    private static final int CAPACITY = 4096;
    private static final int SLOTS = 2;
    private static final int CASES = Integer.getInteger("mmq.fuzz.cases", 3000);
    private static final String CORPUS = System.getProperty("mmq.fuzz.corpus");

    private Path directory;
    private Path file;
    private byte[] pristine;

    @BeforeEach
    void createWrappedQueue() throws Exception
    {
        directory = TempQueues.directory();
        file = directory.resolve("fuzz.mmq");
        final QueueOptions options = QueueOptions.defaults().withCapacity(CAPACITY).withConsumerSlots(SLOTS)
            .withPretouch(false);
        try (MappedQueue queue = MappedQueue.create(file, options); Producer producer = queue.producer())
        {
            final Consumer behind = queue.consumer(StartPosition.LATEST);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[CAPACITY / 8]);
            final SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 200; i++)
            {
                message.putInt(0, i);
                final int length = random.nextInt(4, CAPACITY / 8);
                while (producer.offer(message, 0, length) < 0)
                {
                    behind.poll((buffer, offset, len) -> { }, 3);
                }
            }
            behind.poll((buffer, offset, len) -> { }, 2); // leave it part-way
            // Taken while the consumer is active, so its slot is ACTIVE in every case (and, with no
            // process holding its lock, dead: joining reaps it).
            pristine = Files.readAllBytes(file);
        }
    }

    @AfterEach
    void tearDown() throws Exception
    {
        TempQueues.delete(directory);
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails, it does not stall CI
    void everyDamagedFileEndsInDeliveryOrAClearErrorNeverWorse() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(20261125);
        final int ringOffset = HeaderLayout.ringOffset(SLOTS);
        final List<String> failures = new ArrayList<>();
        final CorruptionCorpus corpus = null == CORPUS ? null : new CorruptionCorpus(Path.of(CORPUS), pristine, CAPACITY);
        int refused = 0;
        for (int i = 0; i < CASES && failures.size() < 5; i++)
        {
            final byte[] bytes = pristine.clone();
            final String damage = damage(bytes, random, ringOffset);
            Files.write(file, bytes);
            final ReadOutcome read = new ReadOutcome();
            try
            {
                if (exercise(read))
                {
                    refused++;
                }
            }
            catch (final Throwable ex)
            {
                failures.add("case " + i + " (" + damage + "): " + ex);
            }
            if (null != corpus)
            {
                corpus.add(i, damage, bytes, read);
            }
        }
        if (null != corpus)
        {
            corpus.close();
        }
        System.out.println("corruption fuzz: " + CASES + " cases, " + refused + " refused with a clear error");
        assertEquals(List.of(), failures);
        assertTrue(refused > CASES / 20, "the damage is real enough to be caught often: " + refused + " of " + CASES);
    }

    /**
     * @return true if mmq refused the damaged file somewhere, with a clear error.
     */
    private boolean exercise(final ReadOutcome read)
    {
        read.failed = true; // until the reading is done
        try (MappedQueue queue = MappedQueue.open(file))
        {
            try (Consumer consumer = queue.consumer(StartPosition.EARLIEST))
            {
                final long joinedAt = consumer.position();
                int polls = 0;
                while (consumer.poll(read, 64) > 0)
                {
                    assertTrue(++polls < 2 * CAPACITY, "the reader keeps finding frames: a loop");
                }
                read.failed = false;
                assertTrue(consumer.position() - joinedAt <= 2L * CAPACITY,
                    "read " + (consumer.position() - joinedAt) + " bytes: more than the ring holds");
            }
            try (Producer producer = queue.producer())
            {
                final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
                for (int i = 0; i < 100; i++)
                {
                    producer.offer(message, 0, 64);
                }
            }
            return false;
        }
        catch (final MmqException ex)
        {
            assertTrue(ex.getMessage().contains(file.toString()), "the error names the file: " + ex.getMessage());
            return true;
        }
    }

    private static String damage(final byte[] bytes, final SplittableRandom random, final int ringOffset)
    {
        // Where: the header's fixed fields, its positions, the consumer table, or the ring.
        final int region = random.nextInt(4);
        final int start;
        final int end;
        switch (region)
        {
            case 0:
                start = 0;
                end = 64;
                break;
            case 1:
                start = 64;
                end = HeaderLayout.HEADER_LENGTH;
                break;
            case 2:
                start = HeaderLayout.HEADER_LENGTH;
                end = HeaderLayout.HEADER_LENGTH + SLOTS * 128;
                break;
            default:
                start = ringOffset;
                end = ringOffset + CAPACITY;
        }
        final int count = 1 + random.nextInt(8);
        final StringBuilder what = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            final int at = random.nextInt(start, end);
            final int how = random.nextInt(3);
            bytes[at] = (byte)(how == 0 ? bytes[at] ^ (1 << random.nextInt(8)) : how == 1 ? 0 : random.nextInt(256));
            what.append(how == 0 ? "flip@" : how == 1 ? "zero@" : "rand@").append(at).append(' ');
        }
        return what.toString().trim();
    }
}
