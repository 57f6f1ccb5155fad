package io.mmq.mmap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.mmq.FlushPolicy;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.ring.MappedProducer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The flush policies write back exactly what was published: nothing for "never", every frame as it is
 * committed for "every message", and the ring's recent bytes (at most one ring) on demand, across the
 * wrap. Uses a file on a real disk, where a flush is a real msync.
 */
class FlushTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final int FRAME = 1024;

    private Path directory;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[FRAME - 8]);

    @BeforeEach
    void setUp() throws Exception
    {
        directory = Files.createTempDirectory(Path.of("target"), "flush-");
    }

    @AfterEach
    void tearDown() throws Exception
    {
        TempQueues.delete(directory);
    }

    @Test
    void neverFlushesNothingUntilAsked() throws Exception
    {
        try (MappedQueue queue = create(FlushPolicy.never()); Producer producer = queue.producer())
        {
            publish(producer, 10);
            assertEquals(0, ((MappedProducer)producer).flushedBytes());
            producer.flush();
            assertEquals(10 * FRAME, ((MappedProducer)producer).flushedBytes());
            producer.flush();
            assertEquals(10 * FRAME, ((MappedProducer)producer).flushedBytes(), "nothing new to flush");
        }
    }

    @Test
    void everyMessageFlushesEachFrameAcrossTheWrap() throws Exception
    {
        try (MappedQueue queue = create(FlushPolicy.everyMessage()); Producer producer = queue.producer())
        {
            final int messages = 3 * CAPACITY / FRAME + 5;
            publish(producer, messages);
            assertEquals((long)messages * FRAME, ((MappedProducer)producer).flushedBytes());
        }
    }

    @Test
    void anExplicitFlushAfterManyLapsWritesAtMostOneRing() throws Exception
    {
        try (MappedQueue queue = create(FlushPolicy.never()); Producer producer = queue.producer())
        {
            publish(producer, 5 * CAPACITY / FRAME + 3);
            producer.flush();
            assertEquals(CAPACITY, ((MappedProducer)producer).flushedBytes(), "older laps are gone, not flushed");
        }
    }

    @Test
    void aPeriodicPolicyFlushesWhatIsLeftOnClose() throws Exception
    {
        final MappedQueue queue = create(FlushPolicy.every(Duration.ofHours(1)));
        final MappedProducer producer = (MappedProducer)queue.producer();
        publish(producer, 7);
        assertEquals(0, producer.flushedBytes(), "an hour has not passed");
        producer.close();
        assertEquals(7 * FRAME, producer.flushedBytes());
        queue.close();
    }

    private MappedQueue create(final FlushPolicy policy)
    {
        return MappedQueue.create(directory.resolve("flush.mmq"),
            QueueOptions.defaults().withCapacity(CAPACITY).withConsumerSlots(1).withFlushPolicy(policy));
    }

    private void publish(final Producer producer, final int messages)
    {
        for (int i = 0; i < messages; i++)
        {
            assertTrue(producer.offer(message, 0, FRAME - 8) > 0);
        }
    }
}
