package io.mmq.mmap.os;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Locale;

import io.mmq.mmap.os.windows.JnaKernel32;
import io.mmq.mmap.os.windows.WindowsCoordination;
import io.mmq.mmap.os.windows.WindowsMutexLocks;
import io.mmq.mmap.os.windows.WindowsObjectNames;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Everything one process uses to coordinate with the others on one queue file where a compare-and-swap
 * is not enough: its {@link ProcessLocks} and its {@link WakeSignal}s. Chosen by platform: POSIX record
 * locks and futexes on Linux, record locks and polling sleeps on other POSIX systems, named mutexes and
 * events on Windows. {@code docs/format.md} says what each platform's objects are, so that a reader in
 * another language can take part.
 */
public interface Coordination extends AutoCloseable
{
    /** The file's cross-process locks, for this process. */
    ProcessLocks locks();

    /**
     * A new sleeper's view of the counter at {@code offset} of the mapping.
     *
     * @param name the counter's name in OS object names: {@code wake} or {@code space}.
     */
    WakeSignal newWakeSignal(int offset, String name);

    /** Frees the OS objects; the locks go with them. */
    @Override
    void close();

    /**
     * @param channel the one channel this process keeps open on the file, for as long as this lives.
     * @param buffer  the whole file, mapped.
     */
    static Coordination forThisPlatform(final Path path, final FileChannel channel, final UnsafeBuffer buffer)
    {
        final String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows"))
        {
            return new WindowsCoordination(new JnaKernel32(), WindowsObjectNames.prefixFor(path), buffer);
        }
        return new PosixCoordination(new FileRangeLocks(path, channel), buffer, os.contains("linux") && futexAvailable());
    }

    /**
     * Locks for a process that only looks at the queue, through a channel opened for reading: enough to
     * tell whether a live process holds a lock (see {@link FileRangeLocks#forLooking}; on Windows the named
     * mutexes need no access to the file at all).
     */
    static ProcessLocks locksForLooking(final Path path, final FileChannel readOnlyChannel)
    {
        if (System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows"))
        {
            return new WindowsMutexLocks(new JnaKernel32(), WindowsObjectNames.prefixFor(path));
        }
        return FileRangeLocks.forLooking(path, readOnlyChannel);
    }

    private static boolean futexAvailable()
    {
        try
        {
            LinuxFutexWakeSignal.checkAvailable();
            return true;
        }
        catch (final LinkageError | UnsupportedOperationException ex)
        {
            return false;
        }
    }
}
