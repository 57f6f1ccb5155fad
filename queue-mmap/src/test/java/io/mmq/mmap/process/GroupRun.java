package io.mmq.mmap.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mmq.Producer;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of a consumer group across processes, for the tests that need one (Java members here, Java and
 * Python members in queue-examples): the member processes, each with its {@link HandledLog}, the
 * publisher of {@link CheckedMessages}, and the checks of what the members handled between them.
 */
public final class GroupRun implements AutoCloseable
{
    private final Path file;
    private final Path directory;
    private final String group;
    private final long seed;
    private final int maxMessage;
    private final int batch;
    private final List<Child> members = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    /**
     * @param file       an existing queue, its messages up to {@code maxMessage} bytes.
     * @param directory  where the members' logs go.
     */
    public GroupRun(final Path file, final Path directory, final String group, final long seed, final int maxMessage,
        final int batch)
    {
        this.file = file;
        this.directory = directory;
        this.group = group;
        this.seed = seed;
        this.maxMessage = maxMessage;
        this.batch = batch;
    }

    /**
     * Starts a {@link GroupMemberProcess} and waits until it has joined.
     *
     * @param freezeAt nothing, or the count at which it freezes inside a handler.
     */
    public Child javaMember(final long count, final Object... freezeAt) throws Exception
    {
        final List<Object> args = new ArrayList<>(List.of(file, group, seed, maxMessage - 8, batch, nextLog(), count));
        args.addAll(List.of(freezeAt));
        return joined(Child.start("java-" + members.size(), GroupMemberProcess.class, args.toArray()));
    }

    /** A log for a member started by the caller (a Python one, say), which it then hands to {@link #joined}. */
    public Path nextLog()
    {
        final Path log = directory.resolve("member-" + logs.size() + ".log");
        logs.add(log);
        return log;
    }

    /** Counts {@code member} in this run once it prints {@code JOINED}. */
    public Child joined(final Child member) throws Exception
    {
        members.add(member);
        member.awaitLine("JOINED", 60);
        return member;
    }

    public String group()
    {
        return group;
    }

    public long seed()
    {
        return seed;
    }

    public int batch()
    {
        return batch;
    }

    /** Publishes messages 0 to {@code count − 1}, waiting whenever the group holds the producer back. */
    public void publish(final long count)
    {
        final CheckedMessages messages = new CheckedMessages(seed, maxMessage - 8);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[maxMessage]);
            for (long seq = 0; seq < count; seq++)
            {
                message.putLong(0, seq);
                final int length = 8 + messages.write(message, 8, seq);
                while (producer.offer(message, 0, length, 1, TimeUnit.SECONDS) < 0)
                {
                    Thread.onSpinWait(); // held back until a member (or a reaper) makes room
                }
            }
        }
    }

    /** Waits until the members' logs hold {@code count} entries in all. */
    public void awaitHandled(final long count, final long seconds) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long total;
        while ((total = Arrays.stream(handled()).mapToLong(member -> member.length).sum()) < count)
        {
            assertTrue(System.nanoTime() - deadline < 0, "handled " + total + " of " + count + " within " + seconds +
                " s: " + shares(handled()));
            Thread.sleep(20);
        }
    }

    /** Waits until every message appears in some member's log. */
    public void awaitEveryMessage(final long count, final long seconds) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long seen;
        while ((seen = seen(handled()).cardinality()) < count)
        {
            assertTrue(System.nanoTime() - deadline < 0, "handled " + seen + " of " + count + " within " + seconds + " s");
            Thread.sleep(50);
        }
    }

    /** Tells every member still running to stop, and checks that each ends cleanly. */
    public void stopAll() throws Exception
    {
        for (final Child member : members)
        {
            if (member.process().isAlive())
            {
                member.send("STOP");
                assertTrue(member.awaitLine("DONE", 60).startsWith("DONE"));
                assertEquals(0, member.awaitExit(30), member.errors());
            }
        }
    }

    /** @return each member's log so far, in the order the members were started. */
    public long[][] handled() throws Exception
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

    /**
     * Checks that messages 0 to {@code count − 1} were each handled by exactly one member, that every member
     * handled some, and that each member handled its share in stream order.
     */
    public void assertExactlyOnce(final long count) throws Exception
    {
        final long[][] handled = handled();
        final BitSet seen = new BitSet();
        long total = 0;
        for (final long[] member : handled)
        {
            assertTrue(member.length > 0, "every member got a share: " + shares(handled));
            for (int i = 0; i < member.length; i++)
            {
                assertTrue(i == 0 || member[i] > member[i - 1], "a member handles its claims in stream order");
                assertTrue(!seen.get((int)member[i]), "message " + member[i] + " handled twice: " + shares(handled));
                seen.set((int)member[i]);
            }
            total += member.length;
        }
        assertEquals(count, total, "handled by exactly one member each: " + shares(handled));
        assertEquals(count, seen.cardinality());
    }

    /**
     * Checks that every message was handled at least once.
     *
     * @return the messages handled a second time (or more), in the order the logs show them.
     */
    public List<Long> assertAtLeastOnce(final long count) throws Exception
    {
        final BitSet seen = new BitSet();
        final List<Long> repeats = new ArrayList<>();
        for (final long[] member : handled())
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
        return repeats;
    }

    private static BitSet seen(final long[][] handled)
    {
        final BitSet seen = new BitSet();
        for (final long[] member : handled)
        {
            for (final long seq : member)
            {
                seen.set((int)seq);
            }
        }
        return seen;
    }

    private static String shares(final long[][] handled)
    {
        return Arrays.toString(Arrays.stream(handled).mapToLong(member -> member.length).toArray());
    }

    /** Kills whatever is still running. */
    @Override
    public void close()
    {
        members.forEach(Child::close);
    }
}
