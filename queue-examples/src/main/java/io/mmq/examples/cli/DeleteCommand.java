package io.mmq.examples.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.mmq.MmqException;
import io.mmq.bridge.BridgeStatus;
import io.mmq.mmap.MappedQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/**
 * Deletes a queue file. On Linux and macOS the name goes even while other processes have the queue open;
 * they keep a queue that no new process can reach. Windows refuses to delete a file that any process has
 * mapped, and this command says so in one line instead of the operating system's bare "access denied".
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = {"Delete a queue file; refuses a file that is not a queue.",
        "Processes that still have it open keep using the deleted file (Linux, macOS); " +
        "Windows refuses while any process has it open."})
public final class DeleteCommand implements Callable<Integer>
{
    private static final boolean WINDOWS =
        System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The queue file to delete.")
    Path file;

    @Override
    public Integer call() throws Exception
    {
        // Opening checks that it is a queue; closing unmaps it before the delete.
        MappedQueue.open(file).close();
        try
        {
            Files.delete(file);
        }
        catch (final NoSuchFileException gone)
        {
            throw gone;
        }
        catch (final FileSystemException ex)
        {
            throw new MmqException(whyNotDeleted(file, ex, WINDOWS), ex);
        }
        spec.commandLine().getOut().println("deleted " + file);
        final int statuses = BridgeStatus.deleteAll(file);
        if (statuses > 0)
        {
            spec.commandLine().getOut().println("deleted the status files of " + statuses + " bridge(s) in " +
                BridgeStatus.directoryOf(file));
        }
        return 0;
    }

    /**
     * The one-line explanation of a failed delete of a queue file that this process has just opened and
     * closed. It could be opened for writing, so it is not read-only: on Windows a refusal then means
     * that another process has it mapped ({@code ERROR_ACCESS_DENIED}) or open without delete sharing
     * ({@code ERROR_SHARING_VIOLATION}). On POSIX systems an open or mapped file can always be deleted,
     * and a refusal is about the directory.
     */
    static String whyNotDeleted(final Path file, final FileSystemException failure, final boolean windows)
    {
        if (windows)
        {
            return file + " is open in another process; close its producers and consumers first" +
                " (Windows cannot delete a file that a process has mapped: " + reasonOf(failure) + ")";
        }
        if (failure instanceof AccessDeniedException)
        {
            return file + ": cannot delete the queue file: permission denied (deleting a file needs write" +
                " permission on its directory, " + file.toAbsolutePath().getParent() + ")";
        }
        return file + ": cannot delete the queue file: " + reasonOf(failure);
    }

    private static String reasonOf(final FileSystemException failure)
    {
        if (null != failure.getReason())
        {
            return failure.getReason();
        }
        return failure instanceof AccessDeniedException ? "access denied" : failure.getClass().getSimpleName();
    }
}
