package io.mmq.mmap.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.mmq.MmqException;
import io.mmq.QueueOptions;
import io.mmq.mmap.layout.HeaderLayout;
import io.mmq.mmap.layout.LockLayout;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One queue file mapped into this process, shared by every {@code MappedQueue} of this JVM that opens
 * the same file, and unmapped when the last of them closes.
 *
 * <p>Why shared: the locks that coordinate processes are POSIX record locks, which belong to the
 * process, not to a channel; closing any channel on the file would release every lock this process holds
 * on it. One channel per file per JVM keeps them. One mapping per file also keeps address space small
 * when many consumers in one JVM read the same queue.
 */
public final class QueueFile
{
    private static final Map<Object, QueueFile> OPEN = new HashMap<>();

    /**
     * Claiming a slot takes microseconds; a lock held longer than this (10 s unless the system property
     * {@value #SLOT_TABLE_LOCK_TIMEOUT_PROPERTY} says otherwise, in milliseconds) means a stuck, not a
     * dead, holder: the OS releases a dead holder's lock.
     */
    public static final String SLOT_TABLE_LOCK_TIMEOUT_PROPERTY = "mmq.slotTableLockTimeoutMillis";

    /** The smallest page size of the platforms mmq runs on; touching more often than needed is harmless. */
    private static final int PAGE_SIZE = 4096;

    /** Keeps the pretouch reads observable, so the JIT cannot drop them. */
    @SuppressWarnings("unused")
    private static volatile long pretouchChecksum;

    private final Path path;
    private final Object key;
    private final FileChannel channel;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final QueueGeometry geometry;
    private final ReentrantLock slotTableLock = new ReentrantLock();
    private int references = 1;
    private boolean touchedForReading;
    private boolean touchedForWriting;

    private QueueFile(
        final Path path, final Object key, final FileChannel channel, final MappedByteBuffer mapped,
        final QueueGeometry geometry)
    {
        this.path = path;
        this.key = key;
        this.channel = channel;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.geometry = geometry;
    }

    /**
     * Opens (or shares) the mapping of an existing queue file after checking its header.
     *
     * @param expected the geometry the caller expects, or {@code null} to accept the file's.
     * @throws NoSuchFileException if there is no file at {@code path}.
     */
    public static QueueFile open(final Path path, final QueueOptions expected) throws IOException
    {
        JvmAccess.requireAgronaAccess();
        synchronized (OPEN)
        {
            final Object key = keyOf(path);
            final QueueFile shared = OPEN.get(key);
            if (null != shared)
            {
                // Not through the shared channel: an interrupted thread would close it for everyone.
                QueueFileFormat.validate(path, Files.size(path),
                    shared.mapped.slice(0, HeaderLayout.HEADER_LENGTH).order(java.nio.ByteOrder.LITTLE_ENDIAN), expected);
                shared.references++;
                return shared;
            }

            final FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try
            {
                final QueueGeometry geometry = QueueFileFormat.validate(path, channel, expected);
                final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, geometry.fileLength());
                final QueueFile file = new QueueFile(path, key, channel, mapped, geometry);
                OPEN.put(key, file);
                return file;
            }
            catch (final IOException | RuntimeException ex)
            {
                channel.close();
                throw ex;
            }
        }
    }

    private static Object keyOf(final Path path) throws IOException
    {
        final Object fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        return null != fileKey ? fileKey : path.toRealPath();
    }

    public Path path()
    {
        return path;
    }

    /**
     * @return the whole file, mapped; offsets are file offsets.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public QueueGeometry geometry()
    {
        return geometry;
    }

    /**
     * Tries to take the producer lock without waiting.
     *
     * @return the lock, or {@code null} if another process or another producer in this JVM holds it.
     */
    public FileLock tryLockProducer()
    {
        return tryLock(LockLayout.PRODUCER_LOCK_OFFSET, "the producer lock");
    }

    /**
     * Tries to take the liveness lock of consumer slot {@code slot} without waiting.
     *
     * @return the lock, or {@code null} if a live process (this one included) holds it.
     */
    public FileLock tryLockSlot(final int slot)
    {
        return tryLock(LockLayout.slotLockOffset(slot), "the lock of consumer slot " + slot);
    }

    /**
     * {@code tryLock} never blocks, and unlike {@code lock} is not interruptible: an interrupt cannot
     * close the shared channel through it.
     */
    private FileLock tryLock(final long offset, final String what)
    {
        try
        {
            return channel.tryLock(offset, LockLayout.LOCK_LENGTH, false);
        }
        catch (final OverlappingFileLockException ex)
        {
            return null; // held in this JVM, so by a live holder
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(path + ": could not try " + what, ex);
        }
    }

    /**
     * Runs {@code action} while holding the consumer-table lock, against every thread and process.
     *
     * <p>The lock is taken with {@code tryLock} and a back-off, never with the blocking {@code lock}: a
     * blocking channel operation on an interrupted thread closes the channel, which would drop every lock
     * this JVM holds on the file, the producer's included.
     */
    public <T> T withSlotTableLock(final java.util.function.Supplier<T> action)
    {
        slotTableLock.lock();
        try
        {
            final FileLock lock = acquireSlotTableLock();
            try
            {
                return action.get();
            }
            finally
            {
                lock.release();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(path + ": could not take or release the consumer table lock", ex);
        }
        finally
        {
            slotTableLock.unlock();
        }
    }

    /**
     * Runs {@code action} under the consumer-table lock if it can be had at once.
     *
     * @return what {@code action} returned, or {@code null} if the lock was busy.
     */
    public <T> T tryWithSlotTableLock(final java.util.function.Supplier<T> action)
    {
        if (!slotTableLock.tryLock())
        {
            return null;
        }
        try
        {
            final FileLock lock = channel.tryLock(LockLayout.SLOT_TABLE_LOCK_OFFSET, LockLayout.LOCK_LENGTH, false);
            if (null == lock)
            {
                return null;
            }
            try
            {
                return action.get();
            }
            finally
            {
                lock.release();
            }
        }
        catch (final OverlappingFileLockException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(path + ": could not take or release the consumer table lock", ex);
        }
        finally
        {
            slotTableLock.unlock();
        }
    }

    private FileLock acquireSlotTableLock() throws IOException
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 1_000_000);
        final long timeoutMillis = Long.getLong(SLOT_TABLE_LOCK_TIMEOUT_PROPERTY, 10_000);
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true)
        {
            final FileLock lock = channel.tryLock(LockLayout.SLOT_TABLE_LOCK_OFFSET, LockLayout.LOCK_LENGTH, false);
            if (null != lock)
            {
                return lock;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new MmqException(path + ": the consumer table lock has been held by another process for " +
                    timeoutMillis + " ms; is a process stuck while joining?");
            }
            idle.idle();
        }
    }

    /**
     * Touches every page of the ring once, so that no message later pays for the page fault of a first
     * access. For writing, each page gets an atomic add of zero: it dirties the page, so the writable
     * mapping is set up, without changing a byte even if another process writes the same word. For
     * reading, one load per page. Done at most once per kind for this mapping.
     */
    public synchronized void pretouch(final boolean forWriting)
    {
        if (forWriting ? touchedForWriting : touchedForReading)
        {
            return;
        }
        final int start = geometry.ringOffset();
        final int end = start + geometry.capacity();
        long sum = 0;
        for (int offset = start; offset < end; offset += PAGE_SIZE)
        {
            sum += forWriting ? buffer.getAndAddInt(offset, 0) : buffer.getByte(offset);
        }
        touchedForReading = true;
        touchedForWriting |= forWriting;
        pretouchChecksum = sum;
    }

    /**
     * Writes {@code length} bytes of the mapping from file offset {@code offset} back to storage and waits
     * for the write ({@code msync}).
     */
    public void force(final int offset, final int length)
    {
        mapped.force(offset, length);
    }

    /**
     * Drops one reference; the last one closes the channel and unmaps the file. After the last release no
     * buffer handed out by this file may be touched.
     */
    public void release()
    {
        synchronized (OPEN)
        {
            if (--references > 0)
            {
                return;
            }
            OPEN.remove(key);
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                throw new MmqException(path + ": could not close the queue file", ex);
            }
            finally
            {
                IoUtil.unmap(mapped);
            }
        }
    }
}
