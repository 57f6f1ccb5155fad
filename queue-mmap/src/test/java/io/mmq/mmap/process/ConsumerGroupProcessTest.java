package io.mmq.mmap.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.TempQueues;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer group whose members are separate processes shares the stream: while nobody dies, every
 * message is handled exactly once; when a member is killed in the middle of a claim, another member
 * finishes the claim, and the only message handled twice is the one the dead member was handling.
 */
class ConsumerGroupProcessTest
{
    private static final int CAPACITY = 256 * 1024;
    private static final int MAX_MESSAGE = 128;
    private static final long SEED = 2026;
    private static final int BATCH = 64;
    private static final String GROUP = "workers";

    private Path directory;
    private Path file;
    private GroupRun run;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void createQueue() throws Exception
    {
        directory = TempQueues.directory();
        file = directory.resolve("group.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE)
            .withConsumerSlots(8)).close();
        run = new GroupRun(file, directory, GROUP, SEED, MAX_MESSAGE, BATCH);
    }

    @AfterEach
    void deleteQueue() throws Exception
    {
        run.close();
        children.forEach(Child::close);
        TempQueues.delete(directory);
    }

    @Test
    void threeMemberProcessesHandleEveryMessageExactlyOnce() throws Exception
    {
        final long count = 2_000_000;
        for (int i = 0; i < 3; i++)
        {
            run.javaMember(count);
        }
        final CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> run.publish(count));
        run.awaitHandled(count, 240);
        producer.get(60, TimeUnit.SECONDS);
        run.stopAll();
        run.assertExactlyOnce(count);
    }

    @Test
    void aMemberKilledInTheMiddleOfAClaimLeavesItToAnotherAndOnlyTheMessageItWasHandlingIsSeenTwice() throws Exception
    {
        final long count = 1_000_000;
        run.javaMember(count);
        final Child victim = run.javaMember(count, count / 10); // freezes inside the handler of its 100,000th message
        run.javaMember(count);
        final CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> run.publish(count));
        final long frozenAt = Child.field(victim.awaitLine("FROZEN", 120), "seq");
        victim.process().toHandle().destroyForcibly(); // kill -9 with a claim unfinished
        victim.awaitExit(30);
        producer.get(240, TimeUnit.SECONDS); // the dead member's claim held the producer back until handed on
        run.awaitEveryMessage(count, 240);
        run.stopAll();

        assertEquals(List.of(frozenAt), run.assertAtLeastOnce(count),
            "the message whose handler was running when its member died is handled again, and nothing else");
    }

    @Test
    void aLiveClaimerWithoutCompareAndSwapDelaysClaimsButNeverHangsAPoll() throws Exception
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer();
             io.mmq.Consumer member = queue.groupMember(io.mmq.GroupOptions.member(GROUP)))
        {
            final int groupSlot = ((io.mmq.mmap.ring.MappedGroupMember)member).groupSlot();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
            for (long seq = 0; seq < 5; seq++)
            {
                message.putLong(0, seq);
                assertTrue(producer.offer(message, 0, 8) > 0);
            }
            final Child claimer = Child.start("claimer", LockedClaimerProcess.class, file, groupSlot);
            children.add(claimer);
            claimer.awaitLine("LOCKED", 60);
            final List<Long> got = new ArrayList<>();
            assertEquals(0, member.poll((buffer, offset, length) -> got.add(buffer.getLong(offset)), 10),
                "nothing can be claimed while the claimer holds the Cursor, and the poll returns");
            assertEquals(0, member.poll((buffer, offset, length) -> got.add(buffer.getLong(offset)), 10, 20,
                TimeUnit.MILLISECONDS), "a timed poll returns at its deadline");
            claimer.send("go on");
            claimer.awaitLine("RELEASED", 60);
            assertEquals(5, member.poll((buffer, offset, length) -> got.add(buffer.getLong(offset)), 10));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), got);
        }
    }

    @Test
    void aClaimerWithoutCompareAndSwapThatDiedHoldingTheCursorIsDetectedAndTheCursorGivenBack() throws Exception
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer();
             io.mmq.Consumer member = queue.groupMember(io.mmq.GroupOptions.member(GROUP)))
        {
            final int groupSlot = ((io.mmq.mmap.ring.MappedGroupMember)member).groupSlot();
            final Child claimer = Child.start("claimer", LockedClaimerProcess.class, file, groupSlot);
            children.add(claimer);
            claimer.awaitLine("LOCKED", 60);
            claimer.process().toHandle().destroyForcibly();
            claimer.awaitExit(30);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
            message.putLong(0, 7);
            assertTrue(producer.offer(message, 0, 8) > 0);
            final List<Long> got = new ArrayList<>();
            assertEquals(1, member.poll((buffer, offset, length) -> got.add(buffer.getLong(offset)), 10));
            assertEquals(List.of(7L), got);
            assertEquals(16, queue.counters().consumerPosition(groupSlot), "the Cursor moved on, its bit cleared");
        }
    }
}
