package io.mmq.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.mmq.QueueOptions;
import io.mmq.examples.Mmq;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.StallingConsumerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code mmq delete} of a queue that another process still has open: Linux and macOS delete the name and
 * the process keeps its queue; Windows refuses to delete a mapped file, and the command says why in one
 * line. Any other refusal is one line too.
 */
class DeleteCommandTest
{
    private static final String OPEN_ELSEWHERE = " is open in another process; close its producers and consumers first";

    @TempDir
    Path directory;

    private final StringWriter err = new StringWriter();

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows refuses: the next test")
    void aQueueAnotherProcessHasOpenIsDeletedAndThatProcessLivesOnWithItsNamelessQueue() throws Exception
    {
        final Path file = createQueue(directory);
        try (Child consumer = consumerOf(file))
        {
            assertEquals(0, delete(file), err.toString());
            assertFalse(Files.exists(file));
            assertTrue(consumer.process().isAlive(), "the consumer keeps its mapping of the deleted file");
            if (OS.LINUX.isCurrentOs())
            {
                assertEquals(List.of("mmq: warning: " + file + " was in use (pid " + consumer.process().pid() + "): " +
                    "they go on with the deleted file, which no new process can reach; stop them, or they wait for " +
                    "each other in vain"), err.toString().lines().toList(), "the consumer is named");
            }
        }
    }

    @Test
    void aQueueNobodyHasOpenIsDeletedWithoutAWarning() throws Exception
    {
        final Path file = createQueue(directory);
        assertEquals(0, delete(file), err.toString());
        assertFalse(Files.exists(file));
        assertEquals("", err.toString());
    }

    @Test
    @EnabledOnOs(value = OS.WINDOWS, disabledReason = "Linux and macOS delete a mapped file: the previous test")
    void onWindowsAQueueAnotherProcessHasOpenIsNotDeletedAndTheErrorSaysWhy() throws Exception
    {
        final Path file = createQueue(directory);
        try (Child consumer = consumerOf(file))
        {
            assertOneLineError(file + OPEN_ELSEWHERE, delete(file));
            assertTrue(Files.exists(file));
        }
        assertEquals(0, delete(file), "deleted once the process has ended: " + err);
        assertFalse(Files.exists(file));
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX directory permissions")
    void aDirectoryThatForbidsDeletingIsNamedInOneLine() throws Exception
    {
        final Path locked = Files.createDirectory(directory.resolve("locked"));
        final Path file = createQueue(locked);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        try
        {
            assumeFalse(Files.isWritable(locked), "running as root, who may delete in any directory");
            assertOneLineError(file + ": cannot delete the queue file: permission denied (deleting a file needs " +
                "write permission on its directory, " + locked + ")", delete(file));
            assertTrue(Files.exists(file));
        }
        finally
        {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void onWindowsEveryRefusalOfAQueueFileJustOpenedForWritingMeansAnotherProcessHasItOpen()
    {
        final Path file = directory.resolve("q.mmq");
        final String mapped = DeleteCommand.whyNotDeleted(file, new AccessDeniedException(file.toString()), true);
        assertEquals(file + OPEN_ELSEWHERE + " (Windows cannot delete a file that a process has mapped: access denied)",
            mapped);
        final String shared = DeleteCommand.whyNotDeleted(file, new FileSystemException(file.toString(), null,
            "The process cannot access the file because it is being used by another process"), true);
        assertTrue(shared.startsWith(file + OPEN_ELSEWHERE) && shared.contains("being used by another process"), shared);
    }

    private static Path createQueue(final Path directory)
    {
        final Path file = directory.resolve("q.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(8192).withConsumerSlots(2)).close();
        return file;
    }

    /** A consumer in another process, joined: it has the queue mapped until it is killed. */
    private static Child consumerOf(final Path file) throws Exception
    {
        final Child consumer = Child.start("consumer", StallingConsumerProcess.class, file);
        try
        {
            consumer.awaitLine("JOINED", 60);
            return consumer;
        }
        catch (final AssertionError | InterruptedException ex)
        {
            consumer.close();
            throw ex;
        }
    }

    private int delete(final Path file)
    {
        err.getBuffer().setLength(0);
        return Mmq.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "delete", file.toString());
    }

    private void assertOneLineError(final String expected, final int exitCode)
    {
        assertEquals(Mmq.USER_ERROR, exitCode, err.toString());
        final List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), "one line: " + err);
        assertTrue(lines.get(0).startsWith("mmq: " + expected), lines.get(0));
    }
}
