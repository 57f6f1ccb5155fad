package io.mmq.examples.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.examples.Await;
import io.mmq.examples.python.PatternConsumerProcess;
import io.mmq.examples.python.PatternProducerProcess;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.QueueCounters;
import io.mmq.mmap.process.BlockedProducerProcess;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.SleepingConsumerProcess;
import io.mmq.mmap.process.StallingConsumerProcess;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One queue shared between the host and Docker containers that bind-mount its directory: consumers and
 * producers on either side of the container boundary, each a real process, Java and Python. Containers
 * have their own PID namespace, so a containerised process's id means nothing on the host; liveness
 * (an OS lock per consumer) and wake-ups (futexes on the shared mapping) must not depend on it.
 * Skipped without Docker on a developer's machine; fails without it in CI ({@link DockerRequirement}).
 */
// First, so that DockerRequirement (which fails under CI=true) is not asked where containers cannot share the queue.
@EnabledOnOs(value = OS.LINUX,
    disabledReason = "a container shares the queue's pages and futexes only with an engine on the host's own Linux kernel")
@ExtendWith(DockerRequirement.class)
class ContainerQueueIT
{
    private static final int CAPACITY = 64 * 1024;
    private static final int MAX_MESSAGE = 1024;
    private static final long MESSAGES = Long.getLong("mmq.test.containerMessages", 300_000);

    @TempDir(factory = SharedMemoryDirectory.class)
    Path directory;

    private final List<AutoCloseable> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws Exception
    {
        for (final AutoCloseable process : processes)
        {
            process.close();
        }
    }

    @Test
    void consumersInContainersAndOnTheHostReceiveEveryMessageFromAProducerOnTheHost() throws Exception
    {
        everyConsumerReceivesEveryMessageUnderBackPressure(false);
    }

    @Test
    void consumersInContainersAndOnTheHostReceiveEveryMessageFromAProducerInAContainer() throws Exception
    {
        everyConsumerReceivesEveryMessageUnderBackPressure(true);
    }

    @Test
    void aConsumerContainerKilledWhileTheProducerIsAsleepOnItNoLongerHoldsTheProducerBack() throws Exception
    {
        final Path file = createQueue();
        final QueueContainer stalled = container(QueueContainer.java("stalled-in-container", file,
            StallingConsumerProcess.class));
        final int slot = (int)field(stalled.awaitLine("JOINED", 60), "slot");
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final QueueCounters counters = queue.counters();
            final long hostPid = stalled.hostPid();
            final long slotPid = counters.consumerPid(slot);
            assertNotEquals(hostPid, slotPid, "the slot holds the id from the container's PID namespace, not the host's");

            final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
            long published = 0;
            while (producer.offer(message, 0, message.capacity()) > 0)
            {
                assertTrue(++published <= CAPACITY / message.capacity(), "the stalled consumer holds the producer back");
            }
            final CompletableFuture<Long> resumedAt = CompletableFuture.supplyAsync(() ->
                producer.offer(message, 0, message.capacity(), 60, TimeUnit.SECONDS) > 0 ? System.nanoTime() : -1L);
            final long killedAt;
            try
            {
                Await.until(counters::producerAwaitsSpace, 30, "the producer asleep on the full ring");
                killedAt = System.nanoTime();
                stalled.kill(); // docker kill: SIGKILL, no clean-up; the slot stays ACTIVE, its lock goes
            }
            finally
            {
                stalled.close(); // if the test failed early: the offer must end before the queue is unmapped
                resumedAt.get(90, TimeUnit.SECONDS);
            }
            assertTrue(resumedAt.get() > 0, "the timed offer went through");
            final long resumedAfter = resumedAt.get() - killedAt;
            assertTrue(resumedAfter < TimeUnit.SECONDS.toNanos(1), "resumed " + resumedAfter / 1_000_000 + " ms after docker kill");
            assertEquals(QueueCounters.FREE_SLOT, counters.consumerPosition(slot), "the dead consumer's slot was reaped");
            System.out.println("producer resumed " + resumedAfter / 1_000_000 + " ms after docker kill was called; the " +
                "dead consumer's slot said pid " + slotPid + ", the host knew it as pid " + hostPid);
        }
    }

    @Test
    void aJavaConsumerAsleepInAContainerIsWokenByAPublishOnTheHost() throws Exception
    {
        final Path file = createQueue();
        wokenByAPublishOnTheHost(file, container(QueueContainer.java("sleeping-java-in-container", file,
            SleepingConsumerProcess.class)));
    }

    @Test
    void aPythonConsumerAsleepInAContainerIsWokenByAPublishOnTheHost() throws Exception
    {
        final Path file = createQueue();
        wokenByAPublishOnTheHost(file, container(QueueContainer.python("sleeping-python-in-container", file,
            QueueContainer.PYTHON_SLEEPING_CONSUMER)));
    }

    @Test
    void aProducerAsleepInAContainerOnAFullRingIsWokenByAConsumerOnTheHost() throws Exception
    {
        final Path file = createQueue();
        try (MappedQueue queue = MappedQueue.open(file); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            final QueueContainer blocked = container(QueueContainer.java("blocked-producer-in-container", file,
                BlockedProducerProcess.class));
            blocked.awaitLine("FULL", 60);
            Await.until(queue.counters()::producerAwaitsSpace, 30, "the producer in the container asleep on the full ring");
            while (consumer.poll((buffer, offset, length) -> { }, 1024) > 0)
            {
                Thread.onSpinWait(); // make room; the consumer's settling wakes the producer
            }
            // The producer's own re-check is off and its timeout is 120 s: only the wake-up lets it through in time.
            blocked.awaitLine("PUBLISHED", 30);
        }
    }

    @Test
    void aContainerRunningAsAnotherUserJoinsAQueueOnlyIfTheQueuesGroupMayWriteIt() throws Exception
    {
        // Another user of the file's group, as services sharing a group would run; the directory lets the group in.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
        final Path ownerOnly = createQueue("owner-only.mmq", "rw-------");
        final Path groupWritable = createQueue("group-writable.mmq", "rw-rw----");
        final String otherUser = ((int)Files.getAttribute(ownerOnly, "unix:uid") + 1000) + ":" +
            Files.getAttribute(ownerOnly, "unix:gid");

        final QueueContainer refused = container(QueueContainer.java(otherUser, "other-user-owner-only", ownerOnly,
            SleepingConsumerProcess.class));
        assertNotEquals(0, refused.awaitExit(60), "a consumer that may not write the file cannot join");
        assertTrue(refused.errors().contains(QueueContainer.QUEUE_DIR + "/owner-only.mmq"), "the error names the file: " +
            refused.errors());

        wokenByAPublishOnTheHost(groupWritable, container(QueueContainer.java(otherUser, "other-user-group-writable",
            groupWritable, SleepingConsumerProcess.class)));
    }

    private void everyConsumerReceivesEveryMessageUnderBackPressure(final boolean producerInContainer) throws Exception
    {
        final Path file = createQueue();
        final Map<String, LineSource> consumers = new LinkedHashMap<>();
        consumers.put("java-in-container", container(QueueContainer.java("java-in-container", file,
            PatternConsumerProcess.class, MAX_MESSAGE, MESSAGES))::awaitLine);
        consumers.put("python-in-container", container(QueueContainer.python("python-in-container", file,
            QueueContainer.PYTHON_PATTERN_CONSUMER, MAX_MESSAGE, MESSAGES))::awaitLine);
        consumers.put("java-on-host", child(Child.start("java-on-host", PatternConsumerProcess.class,
            file, MAX_MESSAGE, MESSAGES))::awaitLine);
        for (final LineSource consumer : consumers.values())
        {
            consumer.awaitLine("JOINED", 60);
        }

        final LineSource producer = producerInContainer ?
            container(QueueContainer.java("producer-in-container", file, PatternProducerProcess.class,
                MAX_MESSAGE, MESSAGES))::awaitLine :
            child(Child.start("producer-on-host", PatternProducerProcess.class, file, MAX_MESSAGE, MESSAGES))::awaitLine;
        final String published = producer.awaitLine("DONE", 600);
        assertTrue(field(published, "backPressured") > 0, "the consumers held the producer back: " + published);
        for (final Map.Entry<String, LineSource> consumer : consumers.entrySet())
        {
            final String done = consumer.getValue().awaitLine("DONE", 120);
            assertEquals(MESSAGES, field(done, "received"), consumer.getKey() + ": " + done);
            assertEquals(field(published, "crc"), field(done, "crc"), consumer.getKey() + " checksum: " + done);
        }
    }

    private void wokenByAPublishOnTheHost(final Path file, final QueueContainer sleeper) throws Exception
    {
        sleeper.awaitLine("JOINED", 60);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            Await.until(queue.counters()::consumerAwaitsWakeUp, 30, sleeper.name() + " asleep, asking to be woken");
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
            message.putLong(0, System.nanoTime()); // one clock for host and container: one kernel
            assertTrue(producer.offer(message, 0, 8) > 0);
            // Its sleep is not cut short and its timeout is 120 s: only the wake-up delivers the message in time.
            final String received = sleeper.awaitLine("RECEIVED", 30);
            System.out.println(sleeper.name() + " woken: " + received);
        }
    }

    private Path createQueue() throws Exception
    {
        return createQueue("shared.mmq", "rw-------");
    }

    private Path createQueue(final String name, final String permissions) throws Exception
    {
        final Path file = directory.resolve(name);
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE)
            .withConsumerSlots(8).withPermissions(PosixFilePermissions.fromString(permissions))).close();
        return file;
    }

    private QueueContainer container(final QueueContainer container)
    {
        processes.add(container);
        return container;
    }

    private Child child(final Child child)
    {
        processes.add(child);
        return child;
    }

    /** A process, on the host or in a container, whose output lines a test waits for. */
    @FunctionalInterface
    private interface LineSource
    {
        String awaitLine(String prefix, long seconds) throws InterruptedException;
    }
}
