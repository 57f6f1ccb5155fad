package io.mmq.mmap.file;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashMap;
import java.util.Map;

import io.mmq.QueueOptions;
import io.mmq.QueueTruncatedException;
import io.mmq.MmqException;
import io.mmq.mmap.layout.HeaderLayout;
import io.mmq.mmap.os.Coordination;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One queue file mapped into this process, shared by every {@code MappedQueue} of this JVM that opens
 * the same file, and unmapped when the last of them closes.
 *
 * <p>Why shared: on POSIX the locks that coordinate processes are record locks, which belong to the
 * process, not to a channel; closing any channel on the file would release every lock this process holds
 * on it. One channel per file per JVM keeps them, and one {@link Coordination} per file per JVM holds
 * them. One mapping per file also keeps address space small
 * when many consumers in one JVM read the same queue.
 */
public final class QueueFile
{
    private static final Map<Object, QueueFile> OPEN = new HashMap<>();

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
    private final Coordination coordination;

    /** The size another process cut the file to, or -1 while it is whole. Read on every publish and poll. */
    private volatile long truncatedTo = -1;
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
        this.coordination = Coordination.forThisPlatform(path, channel, buffer);
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
            final Path target = trustedTarget(path);
            final Object key = keyOf(target);
            final QueueFile shared = OPEN.get(key);
            if (null != shared)
            {
                // Not through the shared channel: an interrupted thread would close it for everyone.
                QueueFileFormat.validate(path, Files.size(path),
                    shared.mapped.slice(0, HeaderLayout.HEADER_LENGTH).order(java.nio.ByteOrder.LITTLE_ENDIAN), expected);
                shared.references++;
                return shared;
            }

            if (Files.exists(target) && !Files.isRegularFile(target) && !Files.isDirectory(target))
            {
                // A FIFO or a device would open, then look like an empty or endless file.
                throw new MmqException(path + ": cannot open the queue: not a regular file");
            }
            // The real path, opened without following a link: a link planted after the check is not followed.
            final FileChannel channel = FileChannel.open(target,
                StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            MappedByteBuffer mapped = null;
            try
            {
                final QueueGeometry geometry = QueueFileFormat.validate(path, channel, expected);
                mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, geometry.fileLength());
                final QueueFile file = new QueueFile(path, key, channel, mapped, geometry);
                OPEN.put(key, file);
                TruncationWatch.watch(file);
                return file;
            }
            catch (final IOException | RuntimeException ex)
            {
                if (null != mapped)
                {
                    IoUtil.unmap(mapped); // at once: on Windows a mapped file cannot be deleted
                }
                channel.close();
                throw ex;
            }
        }
    }

    /**
     * Where {@code path} leads, refusing a symbolic link that another user made: in a shared directory
     * such as {@code /tmp}, a link planted under a queue's name by someone else could lead this process
     * to map, and write, a file of the planter's choosing. A link of this user's own, or of root's, is
     * followed. (Linux's {@code fs.protected_symlinks} guards sticky directories the same way.)
     */
    private static Path trustedTarget(final Path path) throws IOException
    {
        if (!Files.isSymbolicLink(path))
        {
            return path;
        }
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix"))
        {
            // Windows: creating a link takes a privilege, and an elevated user's files belong to the
            // Administrators group, not to the user: the owner tells nothing there (docs/windows.md).
            return path.toRealPath();
        }
        final UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        final UserPrincipal me = path.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByName(System.getProperty("user.name"));
        if (!owner.equals(me) && !"root".equals(owner.getName()))
        {
            throw new MmqException(path + ": is a symbolic link made by another user (" + owner.getName() +
                "); refusing to follow it. Open the queue file by its real path if you trust the link.");
        }
        return path.toRealPath();
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
     * @return this process's locks and wake-up signals on the file.
     */
    public Coordination coordination()
    {
        return coordination;
    }

    /**
     * @return whether another process has cut this file short while mapped: if so, touching the mapping
     *         may fault, and {@link #truncation()} says what happened.
     */
    public boolean isTruncated()
    {
        return truncatedTo >= 0;
    }

    /**
     * @return the error that tells the user this file was cut short.
     */
    public QueueTruncatedException truncation()
    {
        return new QueueTruncatedException(path, truncatedTo, geometry.fileLength(), null);
    }

    /** Called by the {@link TruncationWatch}: records a cut once it shows in the file's size. */
    void checkSize() throws IOException
    {
        final long size = channel.size();
        if (size < geometry.fileLength() && truncatedTo < 0)
        {
            truncatedTo = size;
        }
    }

    /**
     * Explains a memory fault in an access to this file's mapping: the JVM turns the {@code SIGBUS} of an
     * access past the end of a mapped file into an {@link InternalError}, and the usual cause is another
     * process cutting the file short, which its size then shows (read through the path here: a channel
     * call on an interrupted thread would close the channel and drop this process's locks).
     *
     * @return the error to throw instead.
     * @throws InternalError {@code fault} itself, if the file has its full size and so does not explain it.
     */
    public QueueTruncatedException explainFault(final InternalError fault)
    {
        final QueueTruncatedException cut = explainFault(path, geometry.fileLength(), fault);
        if (truncatedTo < 0)
        {
            truncatedTo = cut.size();
        }
        return cut;
    }

    /**
     * Explains a memory fault in an access to a mapping of the queue file at {@code path}, {@code fileLength}
     * bytes long when mapped, as {@link #explainFault(InternalError)} does; for any mapping of it, a read-only
     * one too.
     *
     * @throws InternalError {@code fault} itself, if the file has its full size and so does not explain it.
     */
    public static QueueTruncatedException explainFault(final Path path, final long fileLength, final InternalError fault)
    {
        long size;
        try
        {
            size = Files.size(path);
        }
        catch (final IOException gone)
        {
            size = 0;
        }
        if (size >= fileLength)
        {
            throw fault;
        }
        return new QueueTruncatedException(path, size, fileLength, fault);
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
            TruncationWatch.unwatch(this);
            try
            {
                coordination.close();
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
