package io.mmq.mmap.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.CheckedMessages;
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
    private final List<Child> children = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    @BeforeEach
    void createQueue() throws Exception
    {
        directory = TempQueues.directory();
        file = directory.resolve("group.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE)
            .withConsumerSlots(8)).close();
    }

    @AfterEach
    void deleteQueue() throws Exception
    {
        children.forEach(Child::close);
        TempQueues.delete(directory);
    }

    private Child startMember(final long count, final Object... freezeAt) throws Exception
    {
        final Path log = directory.resolve("member-" + logs.size() + ".log");
        logs.add(log);
        final List<Object> args = new ArrayList<>(List.of(file, GROUP, SEED, MAX_MESSAGE - 8, BATCH, log, count));
        args.addAll(List.of(freezeAt));
        final Child child = Child.start("member-" + children.size(), GroupMemberProcess.class, args.toArray());
        children.add(child);
        child.awaitLine("JOINED", 60);
        return child;
    }

    @Test
    void threeMemberProcessesHandleEveryMessageExactlyOnce() throws Exception
    {
        final long count = 2_000_000;
        for (int i = 0; i < 3; i++)
        {
            startMember(count);
        }
        final CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> publish(count));
        awaitHandled(count, 240);
        producer.get(60, TimeUnit.SECONDS);
        stopAll();

        final long[][] handled = readLogs();
        final BitSet seen = new BitSet();
        long total = 0;
        for (final long[] member : handled)
        {
            assertTrue(member.length > 0, "every member got a share: " + shares(handled));
            for (int i = 0; i < member.length; i++)
            {
                assertTrue(i == 0 || member[i] > member[i - 1], "a member handles its claims in stream order");
                assertTrue(!seen.get((int)member[i]), "message " + member[i] + " handled twice");
                seen.set((int)member[i]);
            }
            total += member.length;
        }
        assertEquals(count, total, "handled by exactly one member each: " + shares(handled));
        assertEquals(count, seen.cardinality());
    }

    @Test
    void aMemberKilledInTheMiddleOfAClaimLeavesItToAnotherAndOnlyTheMessageItWasHandlingIsSeenTwice() throws Exception
    {
        final long count = 1_000_000;
        startMember(count);
        final Child victim = startMember(count, count / 10); // freezes inside the handler of its 100,000th message
        startMember(count);
        final CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> publish(count));
        final long frozenAt = Child.field(victim.awaitLine("FROZEN", 120), "seq");
        victim.process().toHandle().destroyForcibly(); // kill -9 with a claim unfinished
        victim.awaitExit(30);
        producer.get(240, TimeUnit.SECONDS); // the dead member's claim held the producer back until handed on
        awaitEveryMessage(count, 240);
        stopAll();

        final long[][] handled = readLogs();
        final BitSet seen = new BitSet();
        final List<Long> repeats = new ArrayList<>();
        for (final long[] member : handled)
        {
            for (final long seq : member)
            {
                if (seen.get((int)seq))
                {
                    repeats.add(seq);
                }
                seen.set((int)seq);
            }
        }
        assertEquals(count, seen.cardinality(), "every message handled at least once");
        assertEquals(List.of(frozenAt), repeats,
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

    private void publish(final long count)
    {
        final CheckedMessages messages = new CheckedMessages(SEED, MAX_MESSAGE - 8);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[MAX_MESSAGE]);
            for (long seq = 0; seq < count; seq++)
            {
                message.putLong(0, seq);
                final int length = 8 + messages.write(message, 8, seq);
                while (producer.offer(message, 0, length, 1, TimeUnit.SECONDS) < 0)
                {
                    Thread.onSpinWait(); // held back until a member (or the reaper) makes room
                }
            }
        }
    }

    /** Waits until the members' logs hold {@code count} entries in all. */
    private void awaitHandled(final long count, final long seconds) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long total;
        while ((total = Arrays.stream(readLogCounts()).sum()) < count)
        {
            assertTrue(System.nanoTime() - deadline < 0, "handled " + total + " of " + count + " within " + seconds + " s");
            Thread.sleep(20);
        }
    }

    /** Waits until every message appears in some member's log. */
    private void awaitEveryMessage(final long count, final long seconds) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true)
        {
            final BitSet seen = new BitSet();
            for (final long[] member : readLogs())
            {
                for (final long seq : member)
                {
                    seen.set((int)seq);
                }
            }
            if (seen.cardinality() == count)
            {
                return;
            }
            assertTrue(System.nanoTime() - deadline < 0, "handled " + seen.cardinality() + " of " + count + " within " + seconds + " s");
            Thread.sleep(50);
        }
    }

    private void stopAll() throws Exception
    {
        for (final Child child : children)
        {
            if (child.process().isAlive())
            {
                child.send("STOP");
                assertTrue(child.awaitLine("DONE", 60).startsWith("DONE"));
                assertEquals(0, child.awaitExit(30), child.errors());
            }
        }
    }

    private long[] readLogCounts() throws Exception
    {
        final long[] counts = new long[logs.size()];
        for (int i = 0; i < logs.size(); i++)
        {
            try (HandledLog log = HandledLog.read(logs.get(i)))
            {
                counts[i] = log.count();
            }
        }
        return counts;
    }

    private long[][] readLogs() throws Exception
    {
        final long[][] entries = new long[logs.size()][];
        for (int i = 0; i < logs.size(); i++)
        {
            try (HandledLog log = HandledLog.read(logs.get(i)))
            {
                entries[i] = log.entries();
            }
        }
        return entries;
    }

    private static String shares(final long[][] handled)
    {
        final long[] sizes = new long[handled.length];
        for (int i = 0; i < handled.length; i++)
        {
            sizes[i] = handled[i].length;
        }
        return Arrays.toString(sizes);
    }
}
