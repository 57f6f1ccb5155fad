package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.mmq.Consumer;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A queue that does not fit its filesystem fails at creation with the sizes in the message, instead of
 * being created sparse and killing the process with SIGBUS later. Uses a 1 MiB tmpfs mounted for the
 * test (the Docker default /dev/shm of 64 MiB is the same case, larger). Mounting needs root: elsewhere
 * the test skips, but under CI (CI=true) it must run and fails if it cannot.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "mounts a 1 MiB tmpfs")
class FullFilesystemTest
{
    private static final long TMPFS_BYTES = 1 << 20;

    private Path mountPoint;

    @BeforeEach
    void mountSmallTmpfs() throws Exception
    {
        mountPoint = Files.createTempDirectory("mmq-tmpfs-");
        final String failure = run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_BYTES, "tmpfs", mountPoint.toString());
        if (null != failure)
        {
            Files.delete(mountPoint);
            mountPoint = null;
            if ("true".equals(System.getenv("CI")))
            {
                fail("CI must be able to mount a tmpfs for this test (run as root): " + failure);
            }
            assumeTrue(false, "cannot mount a tmpfs here (needs root): " + failure);
        }
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (null != mountPoint)
        {
            assertNull(run("umount", mountPoint.toString()));
            Files.delete(mountPoint);
        }
    }

    @Test
    void aQueueLargerThanTheFilesystemFailsAtCreationNamingTheSizesAndLeavesNothing() throws Exception
    {
        final Path file = mountPoint.resolve("too-big.mmq");
        final QueueOptions options = QueueOptions.defaults().withCapacity(2 << 20);

        final MmqException error = assertThrows(MmqException.class, () -> MappedQueue.create(file, options));
        assertTrue(error.getMessage().contains(file.getFileName().toString()), error.getMessage());
        assertTrue(error.getMessage().contains("needs " + ((2 << 20) + 4096) + " bytes"), error.getMessage());
        assertTrue(error.getMessage().contains("bytes free"), error.getMessage());
        assertEquals(List.of(), list(mountPoint), "no file, whole or partial, is left behind");

        assertThrows(MmqException.class, () -> MappedQueue.openOrCreate(file, options));
        assertEquals(List.of(), list(mountPoint));
    }

    @Test
    void aQueueThatFitsIsFullyBackedAndUsableToTheLastPage() throws Exception
    {
        final Path file = mountPoint.resolve("fits.mmq");
        try (MappedQueue queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(512 * 1024));
             Producer producer = queue.producer();
             Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            // Fill the rest of the filesystem: a sparse queue file would now SIGBUS on its first write.
            final long free = Files.getFileStore(file).getUsableSpace();
            Files.write(mountPoint.resolve("filler"), new byte[(int)free]);

            final UnsafeBuffer message = new UnsafeBuffer(new byte[1024]);
            for (int i = 0; i < 2 * 512; i++)
            {
                assertTrue(producer.offer(message, 0, 1024) > 0);
                assertEquals(1, consumer.poll((buffer, offset, length) -> { }, 1));
            }
        }
    }

    private static List<Path> list(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.toList();
        }
    }

    /**
     * @return null if the command succeeded, otherwise what it printed.
     */
    private static String run(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return String.join(" ", command) + ": timed out";
        }
        final String output = new String(process.getInputStream().readAllBytes());
        return process.exitValue() == 0 ? null : String.join(" ", command) + ": " + output.trim();
    }
}
