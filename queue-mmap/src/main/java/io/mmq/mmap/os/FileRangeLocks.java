package io.mmq.mmap.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;

import io.mmq.mmap.layout.LockLayout;

/**
 * {@link ProcessLocks} as one-byte record locks ({@code fcntl(F_SETLK)} on POSIX) on the queue file's
 * own channel, at offsets far beyond its end, so they never cover a byte anyone reads or writes. The
 * Python reader takes the same bytes with {@code fcntl.lockf}.
 *
 * <p>POSIX record locks belong to the process, and closing any descriptor of the file drops all of them:
 * the channel given here must stay open while any lock is held, and this process must close no other
 * descriptor of the file meanwhile (the participants' channel is the one {@code QueueFile} keeps; a
 * {@code QueueView}'s read-only one is never closed).
 */
public final class FileRangeLocks implements ProcessLocks
{
    private final Path path;
    private final FileChannel channel;
    private final boolean shared;

    public FileRangeLocks(final Path path, final FileChannel channel)
    {
        this(path, channel, false);
    }

    private FileRangeLocks(final Path path, final FileChannel channel, final boolean shared)
    {
        this.path = path;
        this.channel = channel;
        this.shared = shared;
    }

    /**
     * Locks for a process that only looks: each try takes a shared ({@code F_RDLCK}) lock, which a read-only
     * channel may take, and which is refused exactly when a live process holds the exclusive lock that
     * participants take. So it answers "is anyone alive holding this?" without write access; what it hands
     * out excludes nobody but a would-be holder trying at that instant, who tries again or picks another slot.
     *
     * @param readOnlyChannel a channel opened for reading, kept open while any lock is held.
     */
    public static ProcessLocks forLooking(final Path path, final FileChannel readOnlyChannel)
    {
        return new FileRangeLocks(path, readOnlyChannel, true);
    }

    /**
     * {@code tryLock} never blocks and, unlike {@code lock}, is not interruptible: an interrupt cannot
     * close the shared channel through it, which would drop every lock of this process.
     */
    @Override
    public HeldLock tryLock(final LockId id)
    {
        final FileLock lock;
        try
        {
            lock = channel.tryLock(id.offset(), LockLayout.LOCK_LENGTH, shared);
        }
        catch (final OverlappingFileLockException ex)
        {
            return null; // held in this JVM, so by a live holder
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(path + ": could not try the " + id.name() + " lock", ex);
        }
        return null == lock ? null : () -> release(lock, id);
    }

    private void release(final FileLock lock, final LockId id)
    {
        try
        {
            lock.release();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(path + ": could not release the " + id.name() + " lock", ex);
        }
    }

    /** Nothing to free: the locks go with the channel, which its owner (the queue file, or a view) keeps. */
    @Override
    public void close()
    {
    }
}
