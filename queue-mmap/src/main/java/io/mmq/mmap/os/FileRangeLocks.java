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
 * the channel given here must be the only one this process keeps on the file, and must stay open while
 * any lock is held.
 */
public final class FileRangeLocks implements ProcessLocks
{
    private final Path path;
    private final FileChannel channel;

    public FileRangeLocks(final Path path, final FileChannel channel)
    {
        this.path = path;
        this.channel = channel;
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
            lock = channel.tryLock(id.offset(), LockLayout.LOCK_LENGTH, false);
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

    /** Nothing to free: the locks go with the channel, which the queue file closes. */
    @Override
    public void close()
    {
    }
}
