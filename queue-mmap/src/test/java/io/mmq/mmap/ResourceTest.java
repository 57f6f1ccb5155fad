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
 * descriptor, as the kernel counts them in /proc/self; thousands of open and close cycles leave no
 * descriptor, mapping, thread or consumer slot behind.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "counts mappings and descriptors in Linux's /proc/self")
class ResourceTest
{
    private static final int QUEUES = 100;
    private static final int CYCLES = Integer.getInteger("mmq.resource.cycles", 3000);

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
            // Counted by where they lead: the JVM's count of all descriptors also moves when a cleaner closes
            // one an earlier test left to the garbage collector.
            assertEquals(QUEUES, descriptorsOfQueues(), "one descriptor per queue file, however many handles");

            queues.forEach(MappedQueue::close);
            assertEquals(0, mappingsOfQueues(), "round " + round + ": every mapping released");
            assertEquals(0, descriptorsOfQueues(), "round " + round + ": every queue file's descriptor closed");
            assertTrue(openDescriptors() - descriptorsBefore <= 2,
                "round " + round + ": descriptors " + descriptorsBefore + " before, " + openDescriptors() + " after");
        }
    }

    @Test
    void thousandsOfOpenCloseCyclesLeaveNoDescriptorMappingThreadOrSlotBehind() throws Exception
    {
        final Path file = directory.resolve("cycled.mmq");
        final QueueOptions options = QueueOptions.defaults().withCapacity(64 * 1024).withConsumerSlots(4).withPretouch(false);
        MappedQueue.create(file, options).close();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        final long descriptorsBefore = openDescriptors();
        final long threadsBefore = threads();

        for (int cycle = 0; cycle < CYCLES; cycle++)
        {
            try (MappedQueue queue = MappedQueue.open(file, options))
            {
                final Producer producer = queue.producer();
                final Consumer consumer = queue.consumer(cycle % 2 == 0 ? StartPosition.LATEST : StartPosition.EARLIEST);
                assertTrue(producer.offer(message, 0, 64) > 0);
                assertTrue(consumer.poll((buffer, offset, length) -> { }, 100) >= 1);
                if (cycle == 0)
                {
                    assertEquals(1, mappingsOf(file), "the count sees an open queue's mapping");
                    assertTrue(openDescriptors() > descriptorsBefore, "the count sees an open queue's descriptor");
                }
                if (cycle % 3 == 0)
                {
                    // Closed one by one; otherwise the queue's close closes them.
                    consumer.close();
                    producer.close();
                    MappedQueue.open(file).close(); // a second handle of the same file, in and out
                }
            }
            if (cycle % 500 == 499)
            {
                assertEquals(0, mappingsOf(file), "cycle " + cycle + ": the file is still mapped");
                assertTrue(openDescriptors() - descriptorsBefore <= 2,
                    "cycle " + cycle + ": descriptors " + descriptorsBefore + " before, " + openDescriptors() + " now");
            }
        }

        assertEquals(0, mappingsOf(file), "every mapping released");
        assertTrue(openDescriptors() - descriptorsBefore <= 2,
            "descriptors " + descriptorsBefore + " before, " + openDescriptors() + " after " + CYCLES + " cycles");
        assertTrue(threads() - threadsBefore <= 2, "threads " + threadsBefore + " before, " + threads() + " after");
        try (MappedQueue queue = MappedQueue.open(file))
        {
            final QueueCounters counters = queue.counters();
            for (int slot = 0; slot < counters.consumerSlots(); slot++)
            {
                assertEquals(QueueCounters.FREE_SLOT, counters.consumerPosition(slot), "slot " + slot + " left active");
            }
            queue.producer().close(); // the producer role was given back too
        }
    }

    private static long mappingsOf(final Path file) throws IOException
    {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps")))
        {
            return maps.filter(line -> line.endsWith(file.toString())).count();
        }
    }

    private static long threads() throws IOException
    {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task")))
        {
            return tasks.count();
        }
    }

    private long mappingsOfQueues() throws IOException
    {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps")))
        {
            return maps.filter(line -> line.contains(directory.toString())).count();
        }
    }

    /** @return the open descriptors of this JVM that lead to a file in the test's directory. */
    private long descriptorsOfQueues() throws IOException
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.filter(fd ->
            {
                try
                {
                    return Files.readSymbolicLink(fd).toString().startsWith(directory.toString());
                }
                catch (final IOException closedMeanwhile)
                {
                    return false;
                }
            }).count();
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
