package io.mmq.examples.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import io.mmq.MmqException;
import io.mmq.bridge.BridgeStatus;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.os.LockHolders;
import io.mmq.mmap.os.LockId;
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
        "Processes that still have it open keep using the deleted file (Linux, macOS), and on Linux the command " +
        "names them in a warning; Windows refuses while any process has it open."})
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
        final Set<Long> users;
        try (MappedQueue queue = MappedQueue.open(file))
        {
            users = liveUsers(queue);
        }
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
        if (!users.isEmpty())
        {
            spec.commandLine().getErr().println("mmq: warning: " + file + " was in use (" + describe(users) + "): they " +
                "go on with the deleted file, which no new process can reach; stop them, or they wait for each other " +
                "in vain");
        }
        final int statuses = BridgeStatus.deleteAll(file);
        if (statuses > 0)
        {
            spec.commandLine().getOut().println("deleted the status files of " + statuses + " bridge(s) in " +
                BridgeStatus.directoryOf(file));
        }
        return 0;
    }

    /**
     * @return the processes holding the queue's producer or a consumer slot, as the kernel tells (Linux; 0 for
     *         one in a pid namespace this one cannot see); empty where it cannot be asked.
     */
    private Set<Long> liveUsers(final MappedQueue queue)
    {
        final Set<Long> users = new TreeSet<>();
        final LockHolders holders;
        try
        {
            holders = LockHolders.of(file);
        }
        catch (final MmqException cannotAsk)
        {
            return users; // only a warning hangs on it, never the delete
        }
        if (null == holders)
        {
            return users;
        }
        final long producer = holders.holder(LockId.producer());
        if (producer != LockHolders.FREE)
        {
            users.add(producer);
        }
        for (int slot = 0; slot < queue.counters().consumerSlots(); slot++)
        {
            final long consumer = holders.holder(LockId.slot(slot));
            if (consumer != LockHolders.FREE)
            {
                users.add(consumer);
            }
        }
        return users;
    }

    private static String describe(final Set<Long> users)
    {
        final StringBuilder text = new StringBuilder();
        for (final long pid : users)
        {
            text.append(text.length() == 0 ? "" : ", ").append(0 == pid ? "a process in another pid namespace" : "pid " + pid);
        }
        return text.toString();
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
