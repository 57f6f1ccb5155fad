package io.mmq.examples.python;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.GroupRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer group of four member processes, three JVMs and one Python process, shares a stream: while
 * nobody dies, every message is handled by exactly one of them; when the Python member is killed with
 * SIGKILL mid-stream, every message is still handled, and the only repeats lie within the one claim it
 * left unfinished. The Python member claims under the group claim lock (it has no compare-and-swap), the
 * JVMs with compare-and-swap, on the same Cursor. Needs python3: without it the test fails, never skips.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "Python group members are Linux-only: they claim through futex FUTEX_WAKE_OP (docs/windows.md)")
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
    private GroupRun run;

    @BeforeEach
    void createQueue() throws Exception
    {
        final Path shm = Path.of("/dev/shm");
        directory = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "mmq-group-") : tempDir;
        file = directory.resolve("group.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE)
            .withConsumerSlots(8)).close();
        run = new GroupRun(file, directory, GROUP, SEED, MAX_MESSAGE, BATCH);
    }

    @AfterEach
    void deleteQueue() throws Exception
    {
        run.close();
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
            run.javaMember(MESSAGES);
        }
        pythonMember(MESSAGES);
        final CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> run.publish(MESSAGES));
        run.awaitHandled(MESSAGES, 600);
        producer.get(60, TimeUnit.SECONDS);
        run.stopAll();
        run.assertExactlyOnce(MESSAGES);
    }

    @Test
    void aPythonMemberKilledMidStreamLeavesOnlyItsUnfinishedClaimToBeSeenTwice() throws Exception
    {
        final long count = MESSAGES / 2;
        for (int i = 0; i < 3; i++)
        {
            run.javaMember(count);
        }
        final Child victim = pythonMember(count);
        final CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> run.publish(count));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (run.handled()[3].length < 500)
        {
            assertTrue(victim.process().isAlive(), "the Python member ended early: " + victim.errors());
            assertTrue(System.nanoTime() - deadline < 0, "the Python member handled " + run.handled()[3].length +
                " messages within 120 s");
            Thread.sleep(1);
        }
        victim.process().destroyForcibly(); // SIGKILL, mid-claim as likely as not
        assertTrue(victim.process().waitFor(30, TimeUnit.SECONDS));
        producer.get(300, TimeUnit.SECONDS); // the dead member's claim held the producer back until handed on
        run.awaitEveryMessage(count, 300);
        run.stopAll();

        final List<Long> repeats = run.assertAtLeastOnce(count);
        assertTrue(repeats.size() <= BATCH, "repeats are at most one claim: " + repeats);
        if (!repeats.isEmpty())
        {
            final long span = repeats.stream().mapToLong(Long::longValue).max().getAsLong() -
                repeats.stream().mapToLong(Long::longValue).min().getAsLong();
            assertTrue(span < BATCH, "repeats lie within one claim of " + BATCH + " messages: " + repeats);
        }
    }

    /** group_member.py checks each body as CheckedMessages writes it, as the JVM members do. */
    private Child pythonMember(final long count) throws Exception
    {
        final Path log = run.nextLog();
        return run.joined(Child.command("python-" + log.getFileName(), Map.of(), List.of("python3",
            PYTHON_TESTS.resolve("group_member.py").toString(), file.toString(), GROUP, String.valueOf(SEED),
            String.valueOf(BATCH), log.toString(), String.valueOf(count))));
    }
}
