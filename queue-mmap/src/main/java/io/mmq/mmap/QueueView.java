package io.mmq.mmap;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

import io.mmq.MmqException;
import io.mmq.mmap.file.JvmAccess;
import io.mmq.mmap.file.QueueFileFormat;
import io.mmq.mmap.file.QueueGeometry;
import io.mmq.mmap.layout.HeaderLayout;
import io.mmq.mmap.os.Coordination;
import io.mmq.mmap.os.ProcessLocks;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A queue file mapped for reading only, for tools that watch a queue without taking part in it, such as
 * {@code mmq stat}: it needs only read access to the file, and it cannot write a byte of it (the pages are
 * mapped read-only, so no code path can). Everything else is a participant's view: the same header checks as
 * {@link MappedQueue#open}, the same {@link QueueCounters}.
 *
 * <p>Telling whether a consumer's process is alive takes its slot's lock for an instant, shared (see
 * {@link QueueCounters#consumerAlive}); where the kernel can be asked instead, ask it
 * ({@link io.mmq.mmap.os.LockHolders}).
 *
 * <p><b>The file's descriptor stays open until the JVM exits</b>, one per file, reused by every later view of
 * it: POSIX drops every record lock a process holds on a file when it closes any descriptor of that file, so
 * closing this one would silently release the locks of a producer or consumer this JVM runs on the same queue.
 * Closing a view unmaps its pages.
 */
public final class QueueView implements AutoCloseable
{
    /** Read-only channels by file identity; never closed, see the class comment. */
    private static final Map<Object, FileChannel> CHANNELS = new HashMap<>();

    private final Path path;
    private final MappedByteBuffer mapped;
    private final QueueCounters counters;
    private boolean closed;

    private QueueView(final Path path, final MappedByteBuffer mapped, final QueueGeometry geometry, final ProcessLocks locks)
    {
        this.path = path;
        this.mapped = mapped;
        this.counters = new QueueCounters(new UnsafeBuffer(mapped), geometry, locks);
    }

    /**
     * Maps the queue at {@code path} read-only, after checking its header as a participant would.
     *
     * @throws MmqException naming the file if there is none, it cannot be read, or it is not a queue
     *         ({@link io.mmq.QueueFormatException}).
     */
    public static QueueView open(final Path path)
    {
        JvmAccess.requireAgronaAccess();
        try
        {
            final FileChannel channel = channelFor(path);
            // The header is read through the mapping, not the channel: a thread interrupted in a channel
            // read closes the channel, and with it this process's locks on the file (see the class comment).
            final long size = channel.size();
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            final QueueGeometry geometry;
            try
            {
                geometry = QueueFileFormat.validate(path, size,
                    mapped.slice(0, (int)Math.min(size, HeaderLayout.HEADER_LENGTH)).order(ByteOrder.LITTLE_ENDIAN), null);
            }
            catch (final RuntimeException ex)
            {
                IoUtil.unmap(mapped);
                throw ex;
            }
            return new QueueView(path, mapped, geometry, Coordination.locksForLooking(path, channel));
        }
        catch (final NoSuchFileException ex)
        {
            throw new MmqException(path + ": no queue file there", ex);
        }
        catch (final IOException ex)
        {
            throw new MmqException(path + ": cannot open the queue for reading: " + IoReasons.of(ex), ex);
        }
    }

    private static FileChannel channelFor(final Path path) throws IOException
    {
        final Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        synchronized (CHANNELS)
        {
            final FileChannel known = null == key ? null : CHANNELS.get(key);
            if (null != known && known.isOpen())
            {
                return known;
            }
            final FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            if (null != key)
            {
                CHANNELS.put(key, channel);
            }
            return channel;
        }
    }

    public Path path()
    {
        return path;
    }

    /**
     * @return the positions, slots and geometry of the queue as other processes write them, read as they
     *         change. Valid until this view is closed.
     */
    public QueueCounters counters()
    {
        if (closed)
        {
            throw new IllegalStateException(path + ": the view is closed");
        }
        return counters;
    }

    /**
     * Unmaps the pages; the descriptor stays open (see the class comment). Use nothing read from this view
     * afterwards.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            IoUtil.unmap(mapped);
        }
    }
}
