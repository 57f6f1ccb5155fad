package io.mmq.mmap.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A named consumer that commits after processing survives being killed at random points: each process
 * that opens the name next resumes exactly after the last commit that reached the file, so together they
 * process every message, in order, and see again only what had been polled and not committed.
 */
class NamedConsumerRestartTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final int MAX_MESSAGE = 512;
    private static final long SEED = 1125;
    private static final long COUNT = 300_000;
    private static final int COMMIT_EVERY = 100;
    private static final int KILLS = Integer.getInteger("mmq.test.namedKills", 15);

    private Path directory;
    private Path file;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void createQueue() throws Exception
    {
        directory = TempQueues.directory();
        file = directory.resolve("named.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE)
            .withConsumerSlots(2)).close();
    }

    @AfterEach
    void deleteQueue() throws Exception
    {
        children.forEach(Child::close);
        TempQueues.delete(directory);
    }

    private Child startService()
    {
        try
        {
            final Child child = Child.start("service-" + children.size(), NamedConsumerProcess.class,
                file, "billing", SEED, MAX_MESSAGE - 8, COUNT, COMMIT_EVERY);
            children.add(child);
            return child;
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void aNamedConsumerKilledAtRandomPointsAndRestartedProcessesEveryMessageSeeingAgainOnlyWhatItHadNotCommitted()
        throws Exception
    {
        final Random random = new Random(SEED);
        Child service = startService();
        service.awaitLine("JOINED", 60); // the name exists (from message 0) before the producer starts
        final CompletableFuture<Void> producer = CompletableFuture.runAsync(this::publishAll);

        long lastCommitSeen = -1;
        for (int kill = 0; kill < KILLS; kill++)
        {
            // Let it commit at least once in this life, then kill it at a random moment.
            lastCommitSeen = field(service.awaitLine("COMMITTED", 60), "through");
            Thread.sleep(random.nextInt(50));
            // SIGKILL through the process handle: Process.destroyForcibly would also close our end of its
            // output, losing the lines it printed last, which are exactly the ones this test needs.
            service.process().toHandle().destroyForcibly();
            service.awaitExit(30); // and every line it printed has been read
            final List<String> lastLife = service.output();
            final String storedAfterKill;
            try (MappedQueue view = MappedQueue.open(file))
            {
                storedAfterKill = view.counters().consumerState(0) + "@" + view.counters().consumerPosition(0);
            }
            for (final String line : lastLife)
            {
                if (line.startsWith("COMMITTED"))
                {
                    lastCommitSeen = Math.max(lastCommitSeen, field(line, "through"));
                }
                assertTrue(!line.startsWith("FAILED"), line);
            }

            service = startService();
            final long first = field(service.awaitLine("FIRST", 60), "seq");
            // The last commit that reached the file is the last one printed, or one more that was made but
            // not yet printed when the process died (commits come every 100 to 199 messages, at the end of
            // a poll of at most 100): the next life starts just after it, never before the printed one.
            assertTrue(first >= lastCommitSeen + 1 && first < lastCommitSeen + 1 + 2 * COMMIT_EVERY,
                "life " + (kill + 1) + " starts at " + first + " after the commit through " + lastCommitSeen +
                "; stored after the kill " + storedAfterKill + "; the life before printed " + lastLife.subList(Math.max(0, lastLife.size() - 3), lastLife.size()));
        }
        final String last = service.awaitLine("DONE", 120);
        assertEquals("DONE", last, String.join("\n", service.output()) + service.errors());
        producer.get(60, TimeUnit.SECONDS);
        assertEquals(0, service.awaitExit(30));
    }

    /** The producer is held back by the named consumer whenever it is dead, and waits for it to return. */
    private void publishAll()
    {
        final CheckedMessages messages = new CheckedMessages(SEED, MAX_MESSAGE - 8);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[MAX_MESSAGE]);
            for (long seq = 0; seq < COUNT; seq++)
            {
                message.putLong(0, seq); // then a checked body, as NamedConsumerProcess reads it
                final int length = 8 + messages.write(message, 8, seq);
                while (producer.offer(message, 0, length, 1, TimeUnit.SECONDS) < 0)
                {
                    Thread.onSpinWait(); // held back while the service is dead; it comes back
                }
            }
        }
    }
}
