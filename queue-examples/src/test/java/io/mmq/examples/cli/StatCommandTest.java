package io.mmq.examples.cli;

import java.nio.file.Path;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.examples.Mmq;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.SleepingConsumerProcess;
import io.mmq.mmap.process.TakeProducerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq stat} tells who is there now, not who was: whether a producer holds the queue and which
 * consumers are alive, asked of the kernel (Linux) without taking any lock, and a sleeper's wake-up request
 * only while a consumer is there to sleep.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the kernel is asked through fcntl(F_OFD_GETLK), Linux only")
class StatCommandTest
{
    @TempDir
    Path directory;

    private final MmqRun mmq = new MmqRun();

    private String stat(final Path queue)
    {
        assertEquals(0, mmq.run("stat", queue.toString()), mmq.err());
        return mmq.out();
    }

    @Test
    void aProducerIsShownAliveWhileItHoldsTheQueueEvenInTheAskingProcessAndGoneOnceClosed() throws Exception
    {
        final Path file = directory.resolve("q.mmq");
        final long self = ProcessHandle.current().pid();
        try (MappedQueue queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(64 * 1024)))
        {
            try (Producer producer = queue.producer())
            {
                assertTrue(stat(file).contains("producer  position 0  join 0  reclaim 0  pid " + self + " (alive)"), mmq.out());
                // Asking dropped none of this JVM's locks (closing any descriptor of the file would have): another
                // process is still refused the producer.
                try (Child other = Child.start("other-producer", TakeProducerProcess.class, file))
                {
                    assertEquals(2, other.awaitExit(60), other.output().toString());
                    assertTrue(other.output().stream().anyMatch(line -> line.startsWith("BUSY")), other.output().toString());
                }
            }
            assertTrue(stat(file).contains("no producer (the last was pid " + self + ")"), mmq.out());
            // Asking took no lock: a producer can still be made (a lock tried and kept would refuse it).
            queue.producer().close();
        }
    }

    @Test
    void aConsumerIsAliveAndAskingToBeWokenUntilItIsKilledThenDeadAndNoLongerAsking() throws Exception
    {
        final Path file = directory.resolve("q.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(64 * 1024)).close();
        try (Child sleeper = Child.start("sleeper", SleepingConsumerProcess.class, file))
        {
            sleeper.awaitLine("JOINED", 60);
            final String pid = " pid " + sleeper.process().pid() + " (alive)";
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (!stat(file).contains("a consumer asked to be woken by the next message"))
            {
                assertTrue(System.nanoTime() < deadline, "the sleeper asked to be woken: " + mmq.out());
                Thread.sleep(10);
            }
            assertTrue(mmq.out().contains(pid), mmq.out());

            sleeper.process().destroyForcibly();
            assertNotEquals(0, sleeper.awaitExit(30));
            final String after = stat(file);
            assertTrue(after.contains(" pid " + sleeper.process().pid() + " (dead; not noticed yet by the producer or a joining consumer)"), after);
            assertTrue(after.lines().anyMatch(line -> line.equals("1 of 16 consumer slots held")),
                "no wake-up request without a live consumer: " + after);
        }
    }
}
