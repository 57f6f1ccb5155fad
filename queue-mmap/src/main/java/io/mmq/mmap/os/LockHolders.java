package io.mmq.mmap.os;

import java.nio.file.Path;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;

import io.mmq.MmqException;
import io.mmq.mmap.layout.LockLayout;

/**
 * Who holds a queue's locks, asked of the kernel without taking them. Taking a lock to see whether it is
 * free would, for the producer lock, make a producer that starts at that moment fail, and needs write
 * access to the file.
 *
 * <p>The question is {@code fcntl(F_OFD_GETLK)} on a read-only descriptor of the file: "could this descriptor
 * take an exclusive lock on that byte, and if not, whose lock is in the way?". Unlike {@code F_GETLK}, it also
 * sees the locks of this process (an open-file-description lock conflicts with every other descriptor's), so
 * a JVM that holds the producer and asks is told so. The holder's process id comes back for the record locks
 * mmq takes ({@code F_SETLK}, Java's and Python's).
 *
 * <p><b>The descriptor is never closed</b>, one per file for the life of the JVM (and one more each time the
 * name turns out to lead to another file, deleted and created again): POSIX drops every record lock a process
 * holds on a file when it closes any descriptor of that file, this one included.
 *
 * <p>Linux on x86-64 and AArch64 only (kernel 3.15 or later), where {@code struct flock} is 32 bytes:
 * {@code short l_type}, {@code short l_whence}, {@code off_t l_start} (at 8), {@code off_t l_len} (at 16),
 * {@code pid_t l_pid} (at 24). Elsewhere {@link #of} returns null.
 */
public final class LockHolders
{
    /** What {@link #holder} returns for a lock nobody holds. */
    public static final long FREE = -1;

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_OFD_GETLK = 36;
    private static final short F_WRLCK = 1;
    private static final short F_UNLCK = 2;
    private static final short SEEK_SET = 0;
    private static final int EINVAL = 22;
    private static final int FLOCK_LENGTH = 32;

    interface LibC extends Library
    {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags);

        int fcntl(int descriptor, int command, Memory lock);

        String strerror(int errno);
    }

    private static final java.util.Map<Path, LockHolders> OPEN = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final int descriptor;
    private final Memory lock = new Memory(FLOCK_LENGTH); // guarded by this

    private LockHolders(final Path file, final int descriptor)
    {
        this.file = file;
        this.descriptor = descriptor;
    }

    /**
     * @return the lock holders of the queue at {@code file} (the same object while the path names the same
     *         file, for the JVM's life), or null where this cannot be asked: not Linux on x86-64 or AArch64, no
     *         C library for JNA, or a kernel without {@code F_OFD_GETLK} (before 3.15).
     * @throws MmqException naming the file if it cannot be opened for reading.
     */
    public static LockHolders of(final Path file)
    {
        if (!System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux") ||
            !java.util.Set.of("amd64", "x86_64", "aarch64").contains(System.getProperty("os.arch")))
        {
            return null;
        }
        final Path absolute = file.toAbsolutePath().normalize();
        try
        {
            // A file deleted or replaced under the same name is not the one the cached descriptor sees.
            return OPEN.compute(absolute, (name, known) -> null != known && known.describes(name) ? known : open(file, name));
        }
        catch (final LinkageError noLibrary)
        {
            return null;
        }
        catch (final UnsupportedOperationException oldKernel)
        {
            return null;
        }
    }

    private static LockHolders open(final Path file, final Path absolute)
    {
        final int descriptor = LibC.INSTANCE.open(absolute.toString(), O_RDONLY | O_CLOEXEC);
        if (descriptor < 0)
        {
            throw new MmqException(file + ": cannot open the queue to look at its locks: " + error(Native.getLastError()));
        }
        final LockHolders holders = new LockHolders(file, descriptor);
        holders.holder(LockId.producer()); // an older kernel refuses F_OFD_GETLK at once: then null, above
        return holders;
    }

    /** Whether this descriptor still reads the file {@code path} names (same device and inode). */
    private boolean describes(final Path path)
    {
        try
        {
            return java.nio.file.Files.isSameFile(Path.of("/proc/self/fd/" + descriptor), path);
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
    }

    /**
     * @return the process id of the lock's holder as this process sees it; 0 when it cannot be told (a holder
     *         in a pid namespace this process cannot see into, such as another container's, or an
     *         open-file-description lock, which no process owns); or {@link #FREE}.
     */
    public synchronized long holder(final LockId id)
    {
        lock.clear(); // l_pid must be 0 on input
        lock.setShort(0, F_WRLCK); // would an exclusive lock be refused, and by whom?
        lock.setShort(2, SEEK_SET);
        lock.setLong(8, id.offset());
        lock.setLong(16, LockLayout.LOCK_LENGTH);
        if (LibC.INSTANCE.fcntl(descriptor, F_OFD_GETLK, lock) < 0)
        {
            final int errno = Native.getLastError();
            if (EINVAL == errno)
            {
                throw new UnsupportedOperationException("F_OFD_GETLK");
            }
            throw new MmqException(file + ": cannot ask who holds its " + id.name() + " lock: " + error(errno));
        }
        return lock.getShort(0) == F_UNLCK ? FREE : Math.max(0, lock.getInt(24)); // an OFD lock's l_pid is -1
    }

    private static String error(final int errno)
    {
        return LibC.INSTANCE.strerror(errno).toLowerCase(java.util.Locale.ROOT) + " (errno " + errno + ")";
    }
}
