package io.mmq.examples.python;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A Java producer feeding Python readers and a Java reader over one mapping, as real processes. The
 * ring is small, so the Python consumers hold the producer back; one of them is killed with SIGKILL
 * mid-stream and must stop holding it back. Needs python3: without it the test fails, never skips.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the Python reader is Linux-only for now (docs/windows.md)")
class CrossLanguageTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final int MAX_MESSAGE = 1024;
    private static final long MESSAGES = Long.getLong("mmq.test.crossLanguageMessages", 2_000_000);
    private static final Path PYTHON_TESTS = Path.of("python", "tests").toAbsolutePath();

    @TempDir
    Path directory;

    private final List<Child> children = new ArrayList<>();

    @AfterEach
    void stopChildren()
    {
        children.forEach(Child::close);
    }

    @Test
    void pythonAndJavaConsumersReceiveEveryMessageWhileBackPressureHoldsAndADeadPythonReaderIsReaped() throws Exception
    {
        final Path shm = Path.of("/dev/shm");
        final Path dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "mmq-cross-") : directory;
        final Path file = dir.resolve("cross.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(CAPACITY).withMaxMessageLength(MAX_MESSAGE)
            .withConsumerSlots(8)).close();
        try
        {
            final List<Child> survivors = new ArrayList<>();
            survivors.add(python("python-0", file));
            survivors.add(python("python-1", file));
            survivors.add(start(Child.start("java", PatternConsumerProcess.class, file, MAX_MESSAGE, MESSAGES)));
            final Child victim = python("python-victim", file);
            for (final Child child : survivors)
            {
                child.awaitLine("JOINED", 60);
            }
            victim.awaitLine("JOINED", 60);

            final PatternMessages messages = new PatternMessages(MAX_MESSAGE);
            long backPressured = 0;
            try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
            {
                final UnsafeBuffer message = new UnsafeBuffer(new byte[MAX_MESSAGE]);
                for (long seq = 0; seq < MESSAGES; seq++)
                {
                    if (seq == MESSAGES / 3)
                    {
                        victim.process().destroyForcibly(); // SIGKILL, mid-stream
                    }
                    final int length = messages.write(message, 0, seq);
                    if (producer.offer(message, 0, length) < 0)
                    {
                        backPressured++;
                        assertTrue(producer.offer(message, 0, length, 30, TimeUnit.SECONDS) > 0,
                            "held back for 30 s at message " + seq + " of " + MESSAGES);
                    }
                }
            }
            assertTrue(backPressured > 0, "the consumers were slow enough to hold the producer back");
            for (final Child child : survivors)
            {
                final String done = child.awaitLine("DONE", 300);
                assertEquals(MESSAGES, field(done, "received"), child.name() + ": " + done);
                assertEquals(messages.crc(), field(done, "crc"), child.name() + " checksum: " + done);
                assertEquals(0, child.awaitExit(60), child.errors());
            }
        }
        finally
        {
            try (var files = Files.list(dir))
            {
                for (final Path path : files.toList())
                {
                    Files.delete(path);
                }
            }
            if (!dir.equals(directory))
            {
                Files.delete(dir);
            }
        }
    }

    private Child python(final String name, final Path file) throws Exception
    {
        return start(Child.command(name, Map.of(), List.of("python3",
            PYTHON_TESTS.resolve("pattern_consumer.py").toString(), file.toString(),
            String.valueOf(MAX_MESSAGE), String.valueOf(MESSAGES))));
    }

    private Child start(final Child child)
    {
        children.add(child);
        return child;
    }
}
