package io.mmq.mmap.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.SlowConsumerPolicy;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.QueueCounters;
import io.mmq.mmap.layout.FrameLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The queue's promises across real processes: separate JVMs that share nothing but the file.
 */
class MultiProcessQueueTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final int MAX_MESSAGE = 1024;
    private static final long MESSAGES = Long.getLong("mmq.test.messages", 3_000_000);
    private static final long SEED = 20261125;
    private static final int TIMEOUT_SECONDS = 300;

    private Path directory;
    private Path file;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception
    {
        directory = io.mmq.mmap.TempQueues.directory();
        file = directory.resolve("shared.mmq");
    }

    @AfterEach
    void tearDown() throws Exception
    {
        children.forEach(Child::close);
        io.mmq.mmap.TempQueues.delete(directory);
    }

    @Test
    void everyConsumerProcessReceivesEveryMessageInOrderIntactWhileBackPressureHolds() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults()
            .withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE).withConsumerSlots(8)).close();

        // Two consumers spin and back off; the third sleeps in the kernel between messages.
        final List<Child> fromTheStart = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final Child consumer = i < 2 ? startConsumer("consumer-" + i, "LATEST") :
                start("consumer-blocking", ConsumerProcess.class, "LATEST", SEED, MAX_MESSAGE, MESSAGES, "block");
            consumer.awaitLine("JOINED", 60);
            fromTheStart.add(consumer);
        }

        final long half = MESSAGES / 2;
        final Child producer = start("producer", ProducerProcess.class, SEED, MAX_MESSAGE, MESSAGES, half);
        producer.awaitLine("PAUSED", TIMEOUT_SECONDS);

        // With the producer paused half way, consumers that join now know exactly where they must start.
        final Child latest = startConsumer("late-latest", "LATEST");
        latest.awaitLine("JOINED", 60);
        final Child earliest = startConsumer("late-earliest", "EARLIEST");
        earliest.awaitLine("JOINED", 60);
        producer.send("go");

        final String produced = producer.awaitLine("DONE", TIMEOUT_SECONDS);
        assertEquals(0, producer.awaitExit(60), producer.errors());
        assertTrue(field(produced, "backPressured") > 0, "the ring was small enough to push back: " + produced);
        assertTrue(field(produced, "maxLag") <= CAPACITY, produced);

        for (final Child consumer : fromTheStart)
        {
            final String done = awaitDone(consumer);
            assertEquals(0, field(done, "first"), consumer.name() + ": " + done);
            assertEquals(MESSAGES, field(done, "received"), consumer.name() + ": " + done);
            assertEquals(field(produced, "crc"), field(done, "crc"), consumer.name() + " checksum: " + done);
            assertEquals(0, field(done, "timeouts"), consumer.name() + " slept through a publication: " + done);
        }

        final String fromLatest = awaitDone(latest);
        assertEquals(half, field(fromLatest, "first"), "LATEST starts at the next message: " + fromLatest);
        assertEquals(MESSAGES - half, field(fromLatest, "received"), fromLatest);

        final String fromEarliest = awaitDone(earliest);
        final long earliestFirst = field(fromEarliest, "first");
        assertTrue(earliestFirst < half, "EARLIEST starts before LATEST: " + fromEarliest);
        assertEquals(MESSAGES - earliestFirst, field(fromEarliest, "received"), fromEarliest);
        assertTrue(retainedBytes(earliestFirst, half) >= CAPACITY / 2,
            "EARLIEST received at least half a ring of history: " + retainedBytes(earliestFirst, half) + " bytes");
    }

    @Test
    void aSecondProducerInAnotherProcessIsRefusedWhileTheFirstLives() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY)).close();
        try (MappedQueue queue = MappedQueue.open(file))
        {
            final Producer producer = queue.producer();
            final Child refused = start("second-producer", TakeProducerProcess.class);
            assertTrue(refused.awaitLine("", 60).startsWith("BUSY"), refused.output().toString());
            assertTrue(refused.output().get(0).contains(String.valueOf(ProcessHandle.current().pid())),
                "the refusal names the holder's pid: " + refused.output());
            assertEquals(2, refused.awaitExit(60));

            producer.close();
            final Child accepted = start("next-producer", TakeProducerProcess.class);
            assertEquals("PRODUCER", accepted.awaitLine("", 60));
            assertEquals(0, accepted.awaitExit(60));
        }
    }

    @Test
    void anInterruptedThreadJoiningOrOpeningDoesNotReleaseTheProducerRole() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY)).close();
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final Thread interrupted = new Thread(() ->
            {
                Thread.currentThread().interrupt();
                queue.consumer(io.mmq.StartPosition.LATEST).close();
                MappedQueue.open(file).close();
            });
            interrupted.start();
            interrupted.join();

            final Child refused = start("second-producer", TakeProducerProcess.class);
            assertTrue(refused.awaitLine("", 60).startsWith("BUSY"),
                "the producer lock survives an interrupted thread: " + refused.output());
            final org.agrona.concurrent.UnsafeBuffer message = new org.agrona.concurrent.UnsafeBuffer(new byte[8]);
            assertTrue(producer.offer(message, 0, 8) > 0);
        }
    }

    @DisabledOnOs(value = OS.WINDOWS,
        disabledReason = "the stuck process takes the table lock as a POSIX record lock; on Windows it is a named mutex")
    @Test
    void joiningWhileAStuckProcessHoldsTheTableLockFailsAfterTheTimeoutNamingTheFile() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY)).close();
        System.setProperty(io.mmq.mmap.liveness.ConsumerSlots.SLOT_TABLE_LOCK_TIMEOUT_PROPERTY, "300");
        try (MappedQueue queue = MappedQueue.open(file);
             io.mmq.Consumer idle = queue.consumer(io.mmq.StartPosition.LATEST);
             Producer producer = queue.producer())
        {
            final org.agrona.concurrent.UnsafeBuffer message = new org.agrona.concurrent.UnsafeBuffer(new byte[256]);
            while (producer.offer(message, 0, 256) > 0)
            {
                Thread.onSpinWait();
            }
            final Child holder = start("stuck-joiner", HoldLockProcess.class,
                io.mmq.mmap.layout.LockLayout.SLOT_TABLE_LOCK_OFFSET);
            holder.awaitLine("LOCKED", 60);

            // A back-pressured producer looks for dead consumers, but never waits for the table lock.
            final long offerStart = System.nanoTime();
            for (int i = 0; i < 20; i++)
            {
                assertEquals(Producer.BACK_PRESSURED, producer.offer(message, 0, 256));
                Thread.sleep(15); // past the reaping interval, so each offer tries to reap
            }
            assertTrue(System.nanoTime() - offerStart < 2_000_000_000L, "offers did not wait on the held lock");

            final long start = System.nanoTime();
            final io.mmq.MmqException error = assertThrows(io.mmq.MmqException.class,
                () -> queue.consumer(io.mmq.StartPosition.LATEST));
            assertTrue(System.nanoTime() - start >= 300_000_000L, "it waited the whole timeout");
            assertTrue(error.getMessage().contains(file.toString()) && error.getMessage().contains("300 ms"),
                error.getMessage());

            holder.send("release");
            assertEquals(0, holder.awaitExit(60));
            queue.consumer(io.mmq.StartPosition.LATEST).close();
        }
        finally
        {
            System.clearProperty(io.mmq.mmap.liveness.ConsumerSlots.SLOT_TABLE_LOCK_TIMEOUT_PROPERTY);
        }
    }

    @Test
    void underAnEvictionPolicyAStalledConsumerIsEvictedTheProducerGoesOnAndTheOthersLoseNothing() throws Exception
    {
        final long count = 200_000;
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE)
            .withConsumerSlots(4).withSlowConsumerPolicy(SlowConsumerPolicy.evictAfterLag(CAPACITY / 2))).close();
        final Child healthy = startConsumer("healthy", "LATEST", count);
        final int healthySlot = (int)field(healthy.awaitLine("JOINED", 60), "slot");
        final Child lagging = start("lagging", LaggingConsumerProcess.class);
        final long laggingFrom = field(lagging.awaitLine("JOINED", 60), "position");

        final CheckedMessages messages = new CheckedMessages(SEED, MAX_MESSAGE);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final org.agrona.concurrent.UnsafeBuffer message =
                new org.agrona.concurrent.UnsafeBuffer(new byte[MAX_MESSAGE]);
            long batchEnd = 0;
            for (long seq = 0; seq < count; seq++)
            {
                final int length = messages.write(message, 0, seq);
                messages.checksum(message, 0, length);
                // Never held back: the only consumer that could hold the producer back is the lagging one.
                final long position = producer.offer(message, 0, length);
                assertTrue(position > 0, "held back at message " + seq + " by a consumer the policy should have evicted");
                if (position >= batchEnd)
                {
                    // Keep the healthy consumer within a quarter of the eviction lag, however the machine
                    // schedules it: the policy would rightly evict it too if it fell behind.
                    awaitCaughtUp(queue.counters(), healthySlot, position);
                    batchEnd = position + CAPACITY / 8;
                }
            }
            assertTrue(queue.counters().consumerEvicted((int)field(lagging.output().get(0), "slot")), "stat shows it");
        }
        final String done = awaitDone(healthy);
        assertEquals(count, field(done, "received"), done);
        assertEquals(messages.checksum(), field(done, "crc"), "the healthy consumer got every byte: " + done);

        lagging.send("poll now");
        final String evicted = lagging.awaitLine("", 60);
        assertEquals("EVICTED position=" + laggingFrom, evicted, "it missed everything from where it joined");
    }

    private static void awaitCaughtUp(final QueueCounters counters, final int slot, final long position)
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (counters.consumerPosition(slot) < position)
        {
            assertTrue(System.nanoTime() < deadline, "consumer in slot " + slot + " stopped reading");
            Thread.yield();
        }
    }

    @Test
    void toolsTellALiveConsumerFromADeadOneByItsLockNotItsProcessId() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withConsumerSlots(2)).close();
        final Child consumer = start("consumer", StallingConsumerProcess.class);
        final int slot = (int)field(consumer.awaitLine("JOINED", 60), "slot");
        try (MappedQueue queue = MappedQueue.open(file))
        {
            assertTrue(queue.counters().consumerAlive(slot));
            consumer.process().destroyForcibly().waitFor();
            assertFalse(queue.counters().consumerAlive(slot), "killed");
            assertEquals(1, queue.counters().heldSlots(), "but not reaped yet: no producer has looked");
        }
    }

    @Test
    void aKilledConsumerNoLongerHoldsBackTheProducerAndTheOthersLoseNothing() throws Exception
    {
        final long count = 200_000;
        MappedQueue.create(file, QueueOptions.defaults()
            .withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE).withConsumerSlots(4)).close();
        final Child healthy = startConsumer("healthy", "LATEST", count);
        healthy.awaitLine("JOINED", 60);
        final Child stalled = start("stalled", StallingConsumerProcess.class);
        stalled.awaitLine("JOINED", 60);

        final CheckedMessages messages = new CheckedMessages(SEED, MAX_MESSAGE);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final org.agrona.concurrent.UnsafeBuffer message =
                new org.agrona.concurrent.UnsafeBuffer(new byte[MAX_MESSAGE]);
            long seq = 0;
            int length = messages.write(message, 0, seq);
            messages.checksum(message, 0, length);

            // Publish until the stalled consumer has held the producer back for half a second.
            long heldSince = 0;
            while (true)
            {
                if (producer.offer(message, 0, length) > 0)
                {
                    heldSince = 0;
                    length = messages.write(message, 0, ++seq);
                    messages.checksum(message, 0, length);
                    assertTrue(seq < count / 2, "the stalled consumer must hold the producer back");
                }
                else if (0 == heldSince)
                {
                    heldSince = System.nanoTime();
                }
                else if (System.nanoTime() - heldSince > 500_000_000L)
                {
                    break;
                }
            }

            stalled.process().destroyForcibly(); // SIGKILL: no chance to clean up
            final long killedAt = System.nanoTime();
            while (producer.offer(message, 0, length) < 0)
            {
                assertTrue(System.nanoTime() - killedAt < 2_000_000_000L, "still held back 2 s after the kill");
                Thread.onSpinWait();
            }
            final long resumedAfter = System.nanoTime() - killedAt;
            assertTrue(resumedAfter < 1_000_000_000L, "resumed " + resumedAfter / 1_000_000 + " ms after the kill");

            while (++seq < count)
            {
                length = messages.write(message, 0, seq);
                messages.checksum(message, 0, length);
                while (producer.offer(message, 0, length) < 0)
                {
                    Thread.onSpinWait();
                }
            }
        }
        final String done = awaitDone(healthy);
        assertEquals(0, field(done, "first"), done);
        assertEquals(count, field(done, "received"), done);
        assertEquals(messages.checksum(), field(done, "crc"), "the healthy consumer got every byte: " + done);
    }

    @Test
    void aProducerKilledAtRandomPointsNeverLeavesATornOrRepeatedMessageAndASuccessorContinues() throws Exception
    {
        killTheProducerRepeatedly("scan");
    }

    /**
     * What a bridge copying messages in from another system relies on: each message's source sequence goes
     * in as its checkpoint, and a successor resumes after {@code Producer.checkpoint()}. Killed anywhere,
     * the queue and the checkpoint never disagree, so the reader sees every message once.
     */
    @Test
    void aProducerResumingFromItsCheckpointAfterRandomKillsNeitherSkipsNorRepeatsAMessage() throws Exception
    {
        killTheProducerRepeatedly("checkpoint");
    }

    private void killTheProducerRepeatedly(final String resume) throws Exception
    {
        final long count = 1_000_000;
        final int kills = 12;
        MappedQueue.create(file, QueueOptions.defaults()
            .withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE + 8).withConsumerSlots(4)).close();
        final Child reader = start("reader", SequenceCheckingConsumerProcess.class, SEED, MAX_MESSAGE, count);
        reader.awaitLine("JOINED", 60);

        final java.util.Random random = new java.util.Random(SEED);
        final List<Long> resumedAt = new ArrayList<>();
        for (int kill = 0; kill < kills; kill++)
        {
            final Child producer = start("producer-" + kill, RestartingProducerProcess.class, SEED, MAX_MESSAGE, count, resume);
            resumedAt.add(field(producer.awaitLine("RESUMED", 60), "next"));
            Thread.sleep(20 + random.nextInt(150)); // let it run, then kill it wherever it is
            producer.process().destroyForcibly();
            producer.process().waitFor();
        }
        final Child last = start("producer-last", RestartingProducerProcess.class, SEED, MAX_MESSAGE, count, resume);
        resumedAt.add(field(last.awaitLine("RESUMED", 60), "next"));
        last.awaitLine("DONE", TIMEOUT_SECONDS);

        assertEquals("DONE received=" + count, reader.awaitLine("DONE", TIMEOUT_SECONDS), reader.output().toString());
        assertEquals(0, reader.awaitExit(60));
        for (int i = 1; i < resumedAt.size(); i++)
        {
            assertTrue(resumedAt.get(i) >= resumedAt.get(i - 1), "successors continue the sequence: " + resumedAt);
        }
        assertTrue(resumedAt.get(resumedAt.size() - 1) > 0 && resumedAt.get(resumedAt.size() - 1) < count,
            "the kills landed mid-stream: " + resumedAt);
    }

    @Test
    void aSleepingConsumerUsesNoCpuWhileIdleAndWakesForAMessagePublishedLater() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY)).close();
        final Child sleeper = start("sleeper", SleepingConsumerProcess.class);
        sleeper.awaitLine("JOINED", 60);
        awaitAsleep(MappedQueue.open(file), QueueCounters::consumerAwaitsWakeUp, "the consumer");

        final long idleCpu = quietestSecondOfCpu(sleeper);
        System.out.println("an idle sleeping consumer used " + idleCpu + " ms of CPU in 1 s");
        assertTrue(idleCpu < 20, "an idle sleeping consumer used " + idleCpu + " ms of CPU in its quietest second");

        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final org.agrona.concurrent.UnsafeBuffer message = new org.agrona.concurrent.UnsafeBuffer(new byte[8]);
            message.putLong(0, System.nanoTime());
            assertTrue(producer.offer(message, 0, 8) > 0);
            final String received = sleeper.awaitLine("", 10);
            assertTrue(received.startsWith("RECEIVED"), "woken by the publication, not by its 120 s timeout: " + received);
            System.out.println("sleeping consumer woke in " + field(received, "micros") + " us");
        }
        assertEquals(0, sleeper.awaitExit(60));
    }

    @Test
    void aProducerBlockedOnAFullRingSleepsAndIsWokenWhenAConsumerMakesRoom() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY)).close();
        try (MappedQueue queue = MappedQueue.open(file);
             io.mmq.Consumer consumer = queue.consumer(io.mmq.StartPosition.LATEST))
        {
            final Child producer = start("blocked-producer", BlockedProducerProcess.class);
            producer.awaitLine("FULL", 60);
            awaitAsleep(MappedQueue.open(file), QueueCounters::producerAwaitsSpace, "the producer");

            final long blockedCpu = quietestSecondOfCpu(producer);
            System.out.println("a blocked producer used " + blockedCpu + " ms of CPU in 1 s");
            assertTrue(blockedCpu < 30, "a blocked producer used " + blockedCpu + " ms of CPU in its quietest second");

            assertTrue(consumer.poll((buffer, offset, length) -> { }, Integer.MAX_VALUE) > 0);
            assertEquals("PUBLISHED", producer.awaitLine("", 10), "woken by the consumer, not by its 120 s timeout");
            assertEquals(0, producer.awaitExit(60));
        }
    }

    @Test
    void aProducerTakingOverWakesConsumersItsPredecessorLeftAsleep() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY)).close();
        final Child sleeper = start("sleeper", SleepingConsumerProcess.class);
        sleeper.awaitLine("JOINED", 60);
        awaitAsleep(MappedQueue.open(file), QueueCounters::consumerAwaitsWakeUp, "the consumer");

        // A producer that died right after committing this frame, before it could wake anyone.
        final int ring = io.mmq.mmap.layout.HeaderLayout.ringOffset(QueueOptions.DEFAULT_CONSUMER_SLOTS);
        final java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .putInt(0, 16).putInt(4, io.mmq.mmap.layout.FrameLayout.TYPE_MESSAGE).putLong(8, System.nanoTime());
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
            java.nio.file.StandardOpenOption.WRITE))
        {
            channel.write(frame, ring);
        }
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertEquals(16, producer.position(), "the successor found the committed frame");
            final String received = sleeper.awaitLine("", 10);
            assertTrue(received.startsWith("RECEIVED"), "woken by the successor: " + received);
        }
        assertEquals(0, sleeper.awaitExit(60));
    }

    @Test
    void slotsClaimedAndReleasedByRacingProcessesNeverHaveTwoOwnersAtOnce() throws Exception
    {
        final int rounds = 3000;
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withConsumerSlots(2)).close();
        final List<Child> churners = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            churners.add(start("churn-" + i, SlotChurnProcess.class, rounds));
        }
        final List<long[]> held = new ArrayList<>();
        for (final Child churner : churners)
        {
            churner.awaitLine("DONE", 120);
            assertEquals(0, churner.awaitExit(60), churner.errors());
            for (final String line : churner.output())
            {
                if (line.startsWith("HELD"))
                {
                    final String[] parts = line.split(" ");
                    held.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3])});
                }
            }
        }
        assertEquals(4 * rounds, held.size());
        held.sort(java.util.Comparator.comparingLong((long[] h) -> h[0]).thenComparingLong(h -> h[1]));
        for (int i = 1; i < held.size(); i++)
        {
            final long[] before = held.get(i - 1);
            final long[] after = held.get(i);
            if (before[0] == after[0])
            {
                assertTrue(before[2] < after[1], "slot " + after[0] + " had two owners at once");
            }
        }
    }

    @Test
    void processesRacingToCreateTheSameQueueAllOpenOneQueue() throws Exception
    {
        final List<Child> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            racers.add(start("racer-" + i, OpenOrCreateProcess.class, CAPACITY));
        }
        for (final Child racer : racers)
        {
            assertEquals("OPENED capacity=" + CAPACITY, racer.awaitLine("OPENED", 60), racer.errors());
            assertEquals(0, racer.awaitExit(60), racer.errors());
        }
        try (Stream<Path> files = Files.list(directory))
        {
            assertEquals(List.of(file), files.toList(), "one queue file and no leftovers");
        }
    }

    @Test
    void messagesOutliveTheProducerProcessForConsumersThatComeLater() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults()
            .withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE).withConsumerSlots(2)).close();
        final Child producer = start("producer", ProducerProcess.class, SEED, MAX_MESSAGE, 100, -1);
        assertTrue(producer.awaitLine("DONE", 60).startsWith("DONE published=100"));
        assertEquals(0, producer.awaitExit(60));

        final Child consumer = start("consumer-after-producer-exit", ConsumerProcess.class,
            "EARLIEST", SEED, MAX_MESSAGE, 100);
        final String done = awaitDone(consumer);
        assertEquals(0, field(done, "first"), done);
        assertEquals(100, field(done, "received"), done);
    }

    @Test
    void aJvmWithoutAgronasFlagIsToldWhichFlagToAdd() throws Exception
    {
        MappedQueue.create(file, QueueOptions.defaults()).close();
        final Child child = Child.start("no-flag", false, OpenQueueProcess.class, file);
        final String line = child.awaitLine("REFUSED", 60);
        assertTrue(line.contains("--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"), line);
        assertEquals(2, child.awaitExit(60));
    }

    @Test
    void aFullConsumerTableOfLiveConsumersInSeveralProcessesAllReceiveEverything() throws Exception
    {
        final int processes = 8;
        final int perProcess = QueueOptions.MAX_CONSUMER_SLOTS / processes;
        final long count = 5_000;
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY)
            .withConsumerSlots(QueueOptions.MAX_CONSUMER_SLOTS)).close();

        final List<Child> readers = new ArrayList<>();
        for (int i = 0; i < processes; i++)
        {
            readers.add(start("readers-" + i, ManyConsumersProcess.class, perProcess, count));
        }
        for (final Child reader : readers)
        {
            reader.awaitLine("JOINED", 120);
        }
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            assertThrows(io.mmq.QueueBusyException.class, () -> queue.consumer(io.mmq.StartPosition.LATEST),
                "every one of the " + QueueOptions.MAX_CONSUMER_SLOTS + " slots is held");
            final org.agrona.concurrent.UnsafeBuffer message = new org.agrona.concurrent.UnsafeBuffer(new byte[64]);
            for (long seq = 0; seq < count; seq++)
            {
                message.putLong(0, seq);
                final long deadline = System.nanoTime() + 60_000_000_000L;
                while (producer.offer(message, 0, 64) < 0)
                {
                    assertTrue(System.nanoTime() < deadline, "producer stuck at message " + seq);
                    Thread.onSpinWait();
                }
            }
        }
        for (final Child reader : readers)
        {
            assertEquals("DONE consumers=" + perProcess + " received=" + perProcess * count,
                reader.awaitLine("DONE", 120), reader.name() + " " + reader.output());
            assertEquals(0, reader.awaitExit(60));
        }
    }

    /**
     * CPU time the kernel charged to the whole process (every thread) in each of up to five one-second
     * windows, stopping at the first quiet one: a freshly started JVM spends a few milliseconds compiling
     * and collecting at first, while a process that spins would use the whole second in every window.
     *
     * @return milliseconds of CPU in the quietest second seen.
     */
    private static long quietestSecondOfCpu(final Child child) throws InterruptedException
    {
        long quietest = Long.MAX_VALUE;
        for (int window = 0; window < 5 && quietest >= 10; window++)
        {
            final java.time.Duration before = child.process().info().totalCpuDuration().orElseThrow();
            Thread.sleep(1000); // the measurement window itself
            final java.time.Duration after = child.process().info().totalCpuDuration().orElseThrow();
            quietest = Math.min(quietest, after.minus(before).toMillis());
        }
        return quietest;
    }

    /**
     * Waits, with a deadline, until the header shows that a child process has asked to be woken; then
     * closes {@code queue}.
     */
    private static void awaitAsleep(
        final MappedQueue queue, final java.util.function.Predicate<QueueCounters> asleep, final String who)
        throws InterruptedException
    {
        try (queue)
        {
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (!asleep.test(queue.counters()))
            {
                assertTrue(System.nanoTime() < deadline, who + " never asked to be woken");
                Thread.sleep(1);
            }
        }
    }

    private long retainedBytes(final long fromSeq, final long toSeq)
    {
        final CheckedMessages messages = new CheckedMessages(SEED, MAX_MESSAGE);
        long bytes = 0;
        for (long seq = fromSeq; seq < toSeq; seq++)
        {
            bytes += FrameLayout.alignedLength(FrameLayout.HEADER_LENGTH + messages.length(seq));
        }
        return bytes;
    }

    private String awaitDone(final Child consumer) throws InterruptedException
    {
        final String done = consumer.awaitLine("DONE", TIMEOUT_SECONDS);
        assertEquals(0, consumer.awaitExit(60), consumer.name() + ": " + consumer.errors());
        return done;
    }

    private Child startConsumer(final String name, final String start) throws Exception
    {
        return startConsumer(name, start, MESSAGES);
    }

    private Child startConsumer(final String name, final String start, final long count) throws Exception
    {
        return start(name, ConsumerProcess.class, start, SEED, MAX_MESSAGE, count);
    }

    private Child start(final String name, final Class<?> main, final Object... args) throws Exception
    {
        final Object[] withFile = new Object[args.length + 1];
        withFile[0] = file;
        System.arraycopy(args, 0, withFile, 1, args.length);
        final Child child = Child.start(name, main, withFile);
        children.add(child);
        return child;
    }
}
