package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.mmq.BufferClaim;
import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.QueueTruncatedException;
import io.mmq.StartPosition;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A queue file cut short by another process while mapped makes the kernel raise SIGBUS on the next
 * access past the new end. mmq turns it into a clear exception that names the file and its new size;
 * the JVM lives on, and closing the queue still gives everything back.
 */
@EnabledOnOs(value = OS.LINUX,
    disabledReason = "truncate(1) and /proc/self/maps; Windows refuses to cut a mapped file at all")
class TruncationTest
{
    private static final int CAPACITY = 1 << 20;

    private Path directory;
    private Path file;
    private MappedQueue queue;
    private Producer producer;
    private Consumer consumer;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
    private int lateFaults;

    @BeforeEach
    void createBusyQueue() throws IOException
    {
        directory = TempQueues.directory();
        file = directory.resolve("cut.mmq");
        queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withConsumerSlots(2));
        producer = queue.producer();
        consumer = queue.consumer(StartPosition.EARLIEST);
        // Enough traffic for the JIT to compile the hot paths: compiled code faults differently.
        for (int i = 0; i < 200_000; i++)
        {
            producer.offer(message, 0, message.capacity());
            consumer.poll((buffer, offset, length) -> { }, 10);
        }
    }

    @AfterEach
    void deleteQueue() throws IOException
    {
        TempQueues.delete(directory);
    }

    @Test
    void publishingAndPollingAfterAnotherProcessCutTheFileFailWithAClearError() throws Exception
    {
        cutFileTo(4096);

        final QueueTruncatedException offered = assertThrows(QueueTruncatedException.class,
            () -> publishUntilFault());
        assertTrue(offered.getMessage().startsWith(file + ": the queue file was cut to 4096 bytes"), offered.getMessage());
        final QueueTruncatedException polled = assertThrows(QueueTruncatedException.class,
            () -> consumer.poll((buffer, offset, length) -> { }, 10, 1, TimeUnit.SECONDS));
        assertTrue(polled.getMessage().contains("cannot be used any more"), polled.getMessage());
        assertThrows(QueueTruncatedException.class, () -> producer.tryClaim(64, new BufferClaim()));
        System.out.println("raw faults delivered outside mmq before it reported the cut: " + lateFaults);
    }

    @Test
    void closingAQueueWhoseFileWasCutStillUnmapsItAndFreesItsLocks() throws Exception
    {
        cutFileTo(0);
        assertThrows(QueueTruncatedException.class, () -> publishUntilFault());

        final QueueTruncatedException closing = assertThrows(QueueTruncatedException.class, () -> queue.close(),
            "the consumer could not mark its slot free in the cut file, and says why");
        assertTrue(closing.getMessage().contains("cut to 0 bytes"), closing.getMessage());
        assertEquals(0, mappingsOf(file), "unmapped all the same");
        assertEquals(Producer.CLOSED, producer.offer(message, 0, 8), "and closed");
    }

    /**
     * Publishes and polls until mmq reports the cut. Before mmq's watch has seen the new size, an access
     * may fault, and the JVM may deliver that fault late, as a raw {@link InternalError} in this loop
     * rather than inside mmq: the JVM survives it, and it is counted, not failed on. The cut must be
     * reported within a second.
     */
    private void publishUntilFault()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() - deadline < 0)
        {
            try
            {
                producer.offer(message, 0, message.capacity());
                consumer.poll((buffer, offset, length) -> { }, 10);
            }
            catch (final InternalError lateFault)
            {
                lateFaults++;
            }
        }
    }

    private void cutFileTo(final long size) throws Exception
    {
        final Process truncate = new ProcessBuilder("truncate", "-s", String.valueOf(size), file.toString())
            .inheritIO().start();
        assertEquals(0, truncate.waitFor(), "truncate ran");
    }

    private static long mappingsOf(final Path file) throws IOException
    {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps")))
        {
            return maps.filter(line -> line.endsWith(file.toString())).count();
        }
    }
}
