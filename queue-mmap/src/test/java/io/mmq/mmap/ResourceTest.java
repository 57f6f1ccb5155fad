package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A process can hold many queues at once, and closing them gives back every mapping and file
 * descriptor, as the kernel counts them in /proc/self.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "counts mappings and descriptors in Linux's /proc/self")
class ResourceTest
{
    private static final int QUEUES = 100;

    private Path directory;

    @BeforeEach
    void setUp() throws Exception
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")) || "true".equals(System.getenv("CI")), "needs Linux /proc");
        directory = TempQueues.directory();
    }

    @AfterEach
    void tearDown() throws Exception
    {
        TempQueues.delete(directory);
    }

    @Test
    void aHundredQueuesOpenAtOnceReleaseEveryMappingAndDescriptorWhenClosed() throws Exception
    {
        final QueueOptions options = QueueOptions.defaults().withCapacity(64 * 1024);
        final long descriptorsBefore = openDescriptors();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);

        for (int round = 0; round < 3; round++)
        {
            final List<MappedQueue> queues = new ArrayList<>();
            for (int i = 0; i < QUEUES; i++)
            {
                final MappedQueue queue = MappedQueue.openOrCreate(directory.resolve("q" + i + ".mmq"), options);
                queues.add(queue);
                final Producer producer = queue.producer();
                final Consumer consumer = queue.consumer(StartPosition.LATEST);
                assertTrue(producer.offer(message, 0, 64) > 0);
                assertEquals(1, consumer.poll((buffer, offset, length) -> { }, 1));
                // The second handle shares the first's mapping and descriptor.
                MappedQueue.open(directory.resolve("q" + i + ".mmq")).close();
            }
            assertEquals(QUEUES, mappingsOfQueues(), "one mapping per queue file, however many handles");
            assertTrue(openDescriptors() - descriptorsBefore >= QUEUES, "one descriptor per queue file");

            queues.forEach(MappedQueue::close);
            assertEquals(0, mappingsOfQueues(), "round " + round + ": every mapping released");
            assertTrue(openDescriptors() - descriptorsBefore <= 2,
                "round " + round + ": descriptors " + descriptorsBefore + " before, " + openDescriptors() + " after");
        }
    }

    private long mappingsOfQueues() throws IOException
    {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps")))
        {
            return maps.filter(line -> line.contains(directory.toString())).count();
        }
    }

    private static long openDescriptors() throws IOException
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }
}
