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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.mmq.MmqException;
import io.mmq.QueueTruncatedException;
import io.mmq.mmap.file.JvmAccess;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.file.QueueFileFormat;
import io.mmq.mmap.file.QueueGeometry;
import io.mmq.mmap.layout.HeaderLayout;
import io.mmq.mmap.os.Coordination;
import io.mmq.mmap.os.ProcessLocks;
import io.mmq.mmap.os.Uninterruptibly;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A queue file mapped for reading only, for tools that watch a queue without taking part in it, such as
 * {@code mmq stat}: it needs only read access to the file, and it cannot write a byte of it (the pages are
 * mapped read-only, so no code path can). It checks the header as {@link MappedQueue#open} does and gives
 * the same {@link QueueCounters}. Only the header and the consumer table are mapped, not the ring.
 *
 * <p>Telling whether a consumer's process is alive takes its slot's lock for an instant, shared (see
 * {@link QueueCounters#consumerAlive}); where the kernel can be asked instead, ask it
 * ({@link io.mmq.mmap.os.LockHolders}).
 *
 * <p><b>On POSIX the file's descriptor stays open until the JVM exits</b>, one per file, reused by every
 * later view of it: POSIX drops every record lock a process holds on a file when it closes any descriptor of
 * that file, so closing this one would silently release the locks of a producer or consumer this JVM runs on
 * the same queue. (A deleted file's space is therefore freed only when the JVM exits.) For the same reason
 * the calls that an interrupt would turn into closing the channel run on a thread of their own, which
 * nobody can interrupt, a channel of a file that turns out not to be a queue is kept too, and every channel
 * stays reachable (the JDK closes an unreachable one). Closing a view unmaps its pages.
 */
public final class QueueView implements AutoCloseable
{
    private static final boolean WINDOWS =
        System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");

    /** Read-only channels by file identity, POSIX only; never closed, see the class comment. */
    private static final Map<Object, FileChannel> CHANNELS = new HashMap<>();

    /**
     * Channels opened twice for one file by threads racing, or of a file replaced while they were opened
     * (guarded by CHANNELS); never closed either.
     */
    private static final List<FileChannel> UNKNOWN = new ArrayList<>();

    /** Where the channel calls run: an interrupted channel read or map would close the shared channel. */
    private static final ExecutorService CHANNEL_CALLS = Executors.newSingleThreadExecutor(task ->
    {
        final Thread thread = new Thread(task, "mmq-queue-view");
        thread.setDaemon(true);
        return thread;
    });

    private final Path path;
    private final Object key;
    private final long fileLength;
    private final MappedByteBuffer mapped;
    private final ProcessLocks locks;
    private final QueueCounters counters;
    private boolean closed;

    private QueueView(final Path path, final Object key, final Mapping mapping)
    {
        this.path = path;
        this.key = key;
        this.fileLength = mapping.geometry.fileLength();
        this.mapped = mapping.mapped;
        this.locks = mapping.locks;
        this.counters = new QueueCounters(new UnsafeBuffer(mapped), mapping.geometry, locks);
    }

    private record Mapping(MappedByteBuffer mapped, QueueGeometry geometry, ProcessLocks locks)
    {
    }

    /**
     * Maps the queue at {@code path} read-only, after checking its header as a participant would. An
     * interrupt of the calling thread neither stops this nor is lost: the flag is still set afterwards.
     *
     * @throws MmqException naming the file if there is none, it cannot be read, it is not a regular file,
     *         or it is not a queue ({@link io.mmq.QueueFormatException}).
     */
    public static QueueView open(final Path path)
    {
        JvmAccess.requireAgronaAccess();
        if (Files.exists(path) && !Files.isRegularFile(path))
        {
            // Opening a FIFO for reading would wait for a writer; a directory cannot be mapped.
            throw new MmqException(path + ": cannot open the queue: " + (Files.isDirectory(path) ? "is a directory" : "not a regular file"));
        }
        try
        {
            // Opened here, mapped on the channel-call thread: an open that waits (a FIFO swapped in after the
            // check above) holds up only this caller, and opening cannot be turned into a close.
            final Opened opened = channelFor(path);
            return new QueueView(path, opened.key, uninterruptibly(() -> map(path, opened.channel)));
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

    private record Opened(Object key, FileChannel channel)
    {
    }

    /**
     * The channel this JVM keeps for the file {@code path} names, opened now if there is none. On POSIX no
     * channel opened here is ever closed, even one of a file that turns out not to be a queue: this JVM may
     * hold locks on whatever file it names (a queue it produces into that was since damaged, say), and
     * closing would drop them. A file replaced between looking up its identity and opening it leaves a
     * channel of unknown identity behind, kept too; the lookup is made again.
     */
    private static Opened channelFor(final Path path) throws IOException
    {
        if (WINDOWS)
        {
            return new Opened(keyOf(path), FileChannel.open(path, StandardOpenOption.READ));
        }
        while (true)
        {
            final Object key = keyOf(path);
            synchronized (CHANNELS)
            {
                final FileChannel known = CHANNELS.get(key);
                if (null != known)
                {
                    return new Opened(key, known);
                }
            }
            final FileChannel channel = FileChannel.open(path, StandardOpenOption.READ); // outside the lock: may wait
            synchronized (CHANNELS)
            {
                final Object now;
                try
                {
                    now = keyOf(path);
                }
                catch (final IOException gone)
                {
                    UNKNOWN.add(channel); // kept reachable: the JDK's cleaner closes a channel nobody holds
                    throw gone;
                }
                if (key.equals(now))
                {
                    // While this channel is open its file cannot be freed, so no other file takes its identity.
                    final FileChannel raced = CHANNELS.putIfAbsent(key, channel);
                    if (null == raced)
                    {
                        return new Opened(key, channel);
                    }
                    UNKNOWN.add(channel); // another thread opened the same file meanwhile: use its channel
                    return new Opened(key, raced);
                }
                UNKNOWN.add(channel);
            }
        }
    }

    /** Runs on the channel-call thread: an interrupt of a channel's read or map would close the channel. */
    private static Mapping map(final Path path, final FileChannel channel) throws IOException
    {
        final QueueGeometry geometry = QueueFileFormat.validate(path, channel, null);
        final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, geometry.ringOffset());
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        final Mapping mapping = new Mapping(mapped, geometry, Coordination.locksForLooking(path, channel));
        if (WINDOWS)
        {
            // No record locks to lose there (named mutexes instead), and a mapping outlives its channel.
            channel.close();
        }
        return mapping;
    }

    private static Object keyOf(final Path path) throws IOException
    {
        final Object fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        return null != fileKey ? fileKey : path.toRealPath();
    }

    private static <T> T uninterruptibly(final Callable<T> call) throws IOException
    {
        try
        {
            return Uninterruptibly.get(CHANNEL_CALLS.submit(call));
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof IOException io)
            {
                throw io;
            }
            if (ex.getCause() instanceof RuntimeException runtime)
            {
                throw runtime;
            }
            if (ex.getCause() instanceof Error error)
            {
                throw error;
            }
            throw new MmqException("could not map the queue", ex.getCause());
        }
    }

    public Path path()
    {
        return path;
    }

    /**
     * Checks that the file at this view's path is still the queue it mapped, whole. A file cut short under a
     * mapping reads as zeros up to the end of its last page and faults beyond: counters read from it would
     * be made up. Call it before each look at a queue others may damage or replace; a look that faults
     * anyway ends in an {@link InternalError} from the JVM.
     *
     * @throws QueueTruncatedException if the file is shorter than the queue it was.
     * @throws MmqException if the file was deleted, or replaced by another under the same name.
     */
    public void requireWhole()
    {
        final long size;
        try
        {
            if (!key.equals(keyOf(path)))
            {
                throw new MmqException(path + ": the queue file was replaced by another one; open the new one to see it");
            }
            size = Files.size(path);
        }
        catch (final NoSuchFileException gone)
        {
            throw new MmqException(path + ": the queue file was deleted", gone);
        }
        catch (final IOException ex)
        {
            throw new MmqException(path + ": cannot look at the queue file any more: " + IoReasons.of(ex), ex);
        }
        if (size < fileLength)
        {
            throw new QueueTruncatedException(path, size, fileLength, null);
        }
    }

    /**
     * Explains the JVM's report of a fault in a read of this view's pages, as {@code QueueFile} does for
     * participants: the file was cut short while mapped.
     *
     * @return the exception to throw instead of {@code fault}.
     * @throws InternalError {@code fault} itself, if the file has its full size and so does not explain it.
     */
    public QueueTruncatedException explainFault(final InternalError fault)
    {
        return QueueFile.explainFault(path, fileLength, fault);
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
     * Unmaps the pages; on POSIX the descriptor stays open (see the class comment). Use nothing read from
     * this view afterwards.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            IoUtil.unmap(mapped);
            locks.close();
        }
    }
}
