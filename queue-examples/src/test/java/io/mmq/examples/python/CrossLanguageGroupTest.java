package io.mmq.examples.python;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.GroupMemberProcess;
import io.mmq.mmap.process.HandledLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer group of four member processes, three JVMs and one Python process, shares a stream: while
 * nobody dies, every message is handled by exactly one of them; when the Python member is killed with
 * SIGKILL mid-stream, every message is still handled, and the only repeats lie within the one claim it
 * left unfinished. The Python member claims under the group claim lock (it has no compare-and-swap), the
 * JVMs with compare-and-swap, on the same Cursor. Needs python3: without it the test fails, never skips.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the Python reader is Linux-only for now (docs/windows.md)")
class CrossLanguageGroupTest
{
    private static final int CAPACITY = 256 * 1024;
    private static final int MAX_MESSAGE = 128;
    private static final long SEED = 2026;
    private static final int BATCH = 64;
    private static final String GROUP = "workers";
    private static final long MESSAGES = Long.getLong("mmq.test.crossLanguageGroupMessages", 2_000_000);
    private static final Path PYTHON_TESTS = Path.of("python", "tests").toAbsolutePath();

    @TempDir
    Path tempDir;

    private Path directory;
    private Path file;
    private final List<Child> children = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    @BeforeEach
    void createQueue() throws Exception
    {
        final Path shm = Path.of("/dev/shm");
        directory = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "mmq-group-") : tempDir;
        file = directory.resolve("group.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE)
            .withConsumerSlots(8)).close();
    }

    @AfterEach
    void deleteQueue() throws Exception
    {
        children.forEach(Child::close);
        try (var files = Files.list(directory))
        {
            for (final Path path : files.toList())
            {
                Files.delete(path);
            }
        }
        if (!directory.equals(tempDir))
        {
            Files.delete(directory);
        }
    }

    @Test
    void threeJvmsAndAPythonProcessHandleEveryMessageExactlyOnce() throws Exception
    {
        for (int i = 0; i < 3; i++)
        {
            javaMember(MESSAGES);
        }
        pythonMember(MESSAGES);
        final CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> publish(MESSAGES));
        awaitHandled(MESSAGES, 600);
        producer.get(60, TimeUnit.SECONDS);
        stopAll();

        final long[][] handled = readLogs();
        final BitSet seen = new BitSet();
        long total = 0;
        for (final long[] member : handled)
        {
            assertTrue(member.length > 0, "every member got a share (the Python one last): " + shares(handled));
            for (int i = 0; i < member.length; i++)
            {
                assertTrue(i == 0 || member[i] > member[i - 1], "a member handles its claims in stream order");
                assertTrue(!seen.get((int)member[i]), "message " + member[i] + " handled twice: " + shares(handled));
                seen.set((int)member[i]);
            }
            total += member.length;
        }
        assertEquals(MESSAGES, total, "handled by exactly one member each: " + shares(handled));
        assertEquals(MESSAGES, seen.cardinality());
    }

    @Test
    void aPythonMemberKilledMidStreamLeavesOnlyItsUnfinishedClaimToBeSeenTwice() throws Exception
    {
        final long count = MESSAGES / 2;
        for (int i = 0; i < 3; i++)
        {
            javaMember(count);
        }
        final Child victim = pythonMember(count);
        final CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> publish(count));
        try (HandledLog victimLog = HandledLog.read(logs.get(3)))
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (victimLog.count() < 500)
            {
                assertTrue(System.nanoTime() - deadline < 0, "the Python member handled " + victimLog.count() + " messages");
                Thread.sleep(1);
            }
        }
        victim.process().destroyForcibly(); // SIGKILL, mid-claim as likely as not
        assertTrue(victim.process().waitFor(30, TimeUnit.SECONDS));
        producer.get(300, TimeUnit.SECONDS); // the dead member's claim held the producer back until handed on
        awaitEveryMessage(count, 300);
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
        assertTrue(repeats.size() <= BATCH, "repeats are at most one claim: " + repeats);
        if (!repeats.isEmpty())
        {
            final long span = repeats.stream().mapToLong(Long::longValue).max().getAsLong() -
                repeats.stream().mapToLong(Long::longValue).min().getAsLong();
            assertTrue(span < BATCH, "repeats lie within one claim of " + BATCH + " messages: " + repeats);
        }
    }

    private Child javaMember(final long count) throws Exception
    {
        final Path log = nextLog();
        return joined(Child.start("java-" + children.size(), GroupMemberProcess.class,
            file, GROUP, SEED, MAX_MESSAGE - 8, BATCH, log, count));
    }

    /** group_member.py checks each body as CheckedMessages writes it, as the JVM members do. */
    private Child pythonMember(final long count) throws Exception
    {
        final Path log = nextLog();
        return joined(Child.command("python-" + children.size(), Map.of(), List.of("python3",
            PYTHON_TESTS.resolve("group_member.py").toString(), file.toString(), GROUP, String.valueOf(SEED),
            String.valueOf(BATCH), log.toString(), String.valueOf(count))));
    }

    private Path nextLog()
    {
        final Path log = directory.resolve("member-" + logs.size() + ".log");
        logs.add(log);
        return log;
    }

    private Child joined(final Child child) throws Exception
    {
        children.add(child);
        child.awaitLine("JOINED", 60);
        return child;
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

    private void awaitHandled(final long count, final long seconds) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long total;
        while ((total = Arrays.stream(readLogCounts()).sum()) < count)
        {
            assertTrue(System.nanoTime() - deadline < 0, "handled " + total + " of " + count + " within " + seconds +
                " s: " + Arrays.toString(readLogCounts()));
            Thread.sleep(20);
        }
    }

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
            assertTrue(System.nanoTime() - deadline < 0, "handled " + seen.cardinality() + " of " + count + " within " +
                seconds + " s");
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
