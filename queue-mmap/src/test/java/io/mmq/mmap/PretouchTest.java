package io.mmq.mmap;

import java.nio.file.Files;
import java.nio.file.Path;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.process.PageFaultProcess;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * With pretouch (the default), publishing and reading a whole ring takes no page faults: they were all
 * taken when the producer or consumer opened. Without it, every page faults on first use. Faults are
 * counted by the kernel for the thread doing the work.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "counts page faults in Linux's /proc/thread-self/stat")
class PretouchTest
{
    private static final int CAPACITY = 16 << 20;
    private static final int PAGES = CAPACITY / 4096;
    private static final int MESSAGE = 4096 - 8;

    private Path directory;

    @BeforeEach
    void setUp() throws Exception
    {
        assumeTrue(PageFaults.available() || "true".equals(System.getenv("CI")), "needs Linux /proc");
        directory = TempQueues.directory();
    }

    @AfterEach
    void tearDown() throws Exception
    {
        TempQueues.delete(directory);
    }

    @Test
    void aPretouchedProducerTakesNoPageFaultsWritingTheRing() throws Exception
    {
        assertTrue(faultsPublishingOneLap(true) < PAGES / 50, "pretouched");
    }

    @Test
    void withoutPretouchEveryPageFaultsOnTheFirstWrite() throws Exception
    {
        assertTrue(faultsPublishingOneLap(false) >= PAGES / 2, "the measurement sees faults when there are some");
    }

    @Test
    void aPretouchedConsumerInAnotherProcessTakesNoPageFaultsReadingTheRing() throws Exception
    {
        final Path file = directory.resolve("read.mmq");
        final QueueOptions options = QueueOptions.defaults().withCapacity(CAPACITY);
        try (MappedQueue queue = MappedQueue.create(file, options); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE]);
            for (int i = 0; i < PAGES; i++)
            {
                assertTrue(producer.offer(message, 0, MESSAGE) > 0);
            }
        }
        final long touched = PageFaultProcess.faultsReading(file, CAPACITY, true);
        final long untouched = PageFaultProcess.faultsReading(file, CAPACITY, false);
        assertTrue(touched < 40, "pretouched consumer faults: " + touched);
        assertTrue(untouched > 100, "untouched consumer faults: " + untouched);
    }

    private long faultsPublishingOneLap(final boolean pretouch) throws Exception
    {
        final Path file = directory.resolve("write-" + pretouch + ".mmq");
        try (MappedQueue queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withPretouch(pretouch));
             Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE]);
            assertTrue(producer.offer(message, 0, MESSAGE) > 0); // warm the code path
            final long before = PageFaults.minorFaults();
            for (int i = 1; i < PAGES; i++)
            {
                producer.offer(message, 0, MESSAGE);
            }
            return PageFaults.minorFaults() - before;
        }
    }
}
