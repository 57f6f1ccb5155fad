package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import io.mmq.Consumer;
import io.mmq.ConsumerOptions;
import io.mmq.GroupOptions;
import io.mmq.MessageQueue;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.file.JvmAccess;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.file.QueueFileFormat;
import io.mmq.mmap.file.QueueGeometry;
import io.mmq.mmap.layout.HeaderLayout;
import io.mmq.mmap.liveness.ConsumerSlots;
import io.mmq.mmap.os.InsufficientSpaceException;
import io.mmq.mmap.ring.MappedConsumer;
import io.mmq.mmap.ring.MappedGroupMember;
import io.mmq.mmap.ring.MappedProducer;

/**
 * A queue in a memory-mapped file: the entry point of mmq.
 *
 * <pre>{@code
 * try (MappedQueue queue = MappedQueue.openOrCreate(Path.of("/dev/shm/orders.mmq"), QueueOptions.defaults());
 *      Producer producer = queue.producer())
 * {
 *     producer.offer(buffer, 0, length);
 * }
 * }</pre>
 *
 * <p>Every process that opens the same file shares the same ring. An existing file is checked before
 * use and never reinitialised: a file that is not a queue, or not one of the expected geometry, is
 * refused with a {@link io.mmq.QueueFormatException} and left as it was.
 *
 * <p>The JVM must run with {@value JvmAccess#REQUIRED_FLAG}; without it, opening a queue fails with an
 * exception that says so.
 */
public final class MappedQueue implements MessageQueue
{
    private final QueueFile file;
    private final QueueCounters counters;
    private final QueueOptions options;
    private final List<AutoCloseable> open = new ArrayList<>();
    private boolean closed;

    private MappedQueue(final QueueFile file, final QueueOptions requested)
    {
        this.file = file;
        this.counters = new QueueCounters(file);
        final QueueGeometry geometry = file.geometry();
        this.options = (null == requested ? QueueOptions.defaults() : requested)
            .withCapacity(geometry.capacity())
            .withMaxMessageLength(geometry.maxMessageLength())
            .withConsumerSlots(geometry.consumerSlots())
            .withSlowConsumerPolicy(counters.slowConsumerPolicy());
    }

    /**
     * Creates a new queue file at {@code path} and opens it.
     *
     * @throws MmqException if the file already exists (it is left alone) or cannot be created.
     */
    public static MappedQueue create(final Path path, final QueueOptions options)
    {
        Objects.requireNonNull(options, "options");
        JvmAccess.requireAgronaAccess();
        try
        {
            createFile(path, options);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new MmqException(path + ": cannot create the queue, a " +
                (Files.isDirectory(path) ? "directory" : "file") + " already exists there", ex);
        }
        return open(path, options);
    }

    /**
     * Creates the file, turning every failure but "it already exists" into an {@link MmqException}.
     */
    private static void createFile(final Path path, final QueueOptions options) throws FileAlreadyExistsException
    {
        try
        {
            QueueFileFormat.create(path, options);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw ex;
        }
        catch (final InsufficientSpaceException ex)
        {
            throw new MmqException("cannot create the queue: " + ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new MmqException(path + ": cannot create the queue: " + IoReasons.of(ex), ex);
        }
    }

    /**
     * Opens an existing queue with whatever geometry its file has.
     */
    public static MappedQueue open(final Path path)
    {
        return open(path, null);
    }

    /**
     * Opens an existing queue, checking that its geometry is the one given.
     *
     * @param expected the expected geometry, or {@code null} to accept the file's (the other options,
     *                 such as pretouch, then take their defaults).
     */
    public static MappedQueue open(final Path path, final QueueOptions expected)
    {
        try
        {
            return new MappedQueue(QueueFile.open(path, expected), expected);
        }
        catch (final NoSuchFileException ex)
        {
            throw new MmqException(path + ": no queue file there", ex);
        }
        catch (final IOException ex)
        {
            throw cannotOpen(path, ex);
        }
    }

    private static MmqException cannotOpen(final Path path, final IOException ex)
    {
        if (ex instanceof AccessDeniedException)
        {
            return new MmqException(path + ": cannot open the queue: permission denied (a producer or consumer " +
                "needs read and write access to the file, and access to its directories; watching it, as mmq stat " +
                "does, needs only read)", ex);
        }
        return new MmqException(path + ": cannot open the queue: " + IoReasons.of(ex), ex);
    }

    /**
     * Opens the queue at {@code path}, creating it with {@code options} if there is none. When several
     * processes race to do this, exactly one creates the file and all open the same queue.
     */
    public static MappedQueue openOrCreate(final Path path, final QueueOptions options)
    {
        Objects.requireNonNull(options, "options");
        JvmAccess.requireAgronaAccess();
        // Each round either opens the file or creates it; losing a creation race to another process
        // means the next open finds its file. A name that neither opens nor can be created is an error.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                return new MappedQueue(QueueFile.open(path, options), options);
            }
            catch (final NoSuchFileException ignore)
            {
                try
                {
                    createFile(path, options);
                }
                catch (final FileAlreadyExistsException raced)
                {
                    // Another process created it between our open and our create: open theirs.
                }
            }
            catch (final IOException ex)
            {
                throw cannotOpen(path, ex);
            }
        }
        throw new MmqException(path + ": the name exists but no queue file can be opened through it " +
            "(a dangling symbolic link?)");
    }

    @Override
    public synchronized Producer producer()
    {
        requireOpen();
        final MappedProducer[] created = new MappedProducer[1];
        created[0] = new MappedProducer(file, options.flushPolicy(), () -> forget(created[0]));
        if (options.pretouch())
        {
            file.pretouch(true);
        }
        open.add(created[0]);
        return created[0];
    }

    @Override
    public synchronized Consumer consumer(final StartPosition start)
    {
        Objects.requireNonNull(start, "start");
        return openConsumer(onClose -> new MappedConsumer(file, start, onClose));
    }

    /**
     * {@inheritDoc}
     *
     * @throws MmqException if the file is older than format version 4, whose producers would not hold
     *                      named consumers back.
     */
    @Override
    public synchronized Consumer consumer(final ConsumerOptions named)
    {
        Objects.requireNonNull(named, "options");
        requireNamedConsumers();
        return openConsumer(onClose -> new MappedConsumer(file, named, onClose));
    }

    /**
     * {@inheritDoc}
     *
     * @throws MmqException if the file is older than format version 5, whose producers would not hold
     *                      groups back, or its queue evicts slow consumers.
     */
    @Override
    public synchronized Consumer groupMember(final GroupOptions group)
    {
        Objects.requireNonNull(group, "options");
        requireOpen();
        final int version = counters().formatVersion();
        if (version < HeaderLayout.CONSUMER_GROUPS_VERSION)
        {
            throw new MmqException(file.path() + ": this queue file is format version " + version +
                ", and consumer groups need version " + HeaderLayout.CONSUMER_GROUPS_VERSION +
                " (older producers would not hold them); create the queue anew to use them");
        }
        if (file.geometry().evictionLag() != 0)
        {
            throw new MmqException(file.path() + ": this queue evicts consumers that lag more than " +
                file.geometry().evictionLag() + " bytes, and consumer groups are never evicted; " +
                "use a queue without an eviction lag for groups");
        }
        return track(onClose -> new MappedGroupMember(file, group, onClose));
    }

    @Override
    public synchronized void deleteConsumer(final String name)
    {
        ConsumerOptions.checkName(name);
        requireOpen();
        requireNamedConsumers();
        new ConsumerSlots(file).deleteNamed(name);
    }

    private void requireNamedConsumers()
    {
        final int version = counters().formatVersion();
        if (version < HeaderLayout.NAMED_CONSUMERS_VERSION)
        {
            throw new MmqException(file.path() + ": this queue file is format version " + version +
                ", and named consumers need version " + HeaderLayout.NAMED_CONSUMERS_VERSION +
                " (older producers would not hold them); create the queue anew to use them");
        }
    }

    private MappedConsumer openConsumer(final Function<Runnable, MappedConsumer> create)
    {
        requireOpen();
        return track(create);
    }

    /** Creates a reader that tells this queue when it closes, and remembers it until then. */
    private <T extends AutoCloseable> T track(final Function<Runnable, T> create)
    {
        if (options.pretouch())
        {
            file.pretouch(false);
        }
        final List<T> created = new ArrayList<>(1);
        created.add(create.apply(() -> forget(created.get(0))));
        open.add(created.get(0));
        return created.get(0);
    }

    private synchronized void forget(final AutoCloseable closeable)
    {
        open.remove(closeable);
    }

    @Override
    public QueueOptions options()
    {
        return options;
    }

    public Path path()
    {
        return file.path();
    }

    @Override
    public long creationId()
    {
        return counters.creationId();
    }

    /**
     * @return a read-only view of the file's counters, for tools and tests.
     */
    public QueueCounters counters()
    {
        return counters;
    }

    private void requireOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(file.path() + ": queue is closed");
        }
    }

    /**
     * Closes every producer and consumer made from this queue, then unmaps the file once no other
     * queue of this JVM uses it. Do not close a queue while another thread polls or publishes on it.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        MmqException failure = null;
        for (final AutoCloseable closeable : List.copyOf(open))
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ex)
            {
                // Keep going: a consumer left open would hold its slot, and the file is unmapped below.
                if (null == failure)
                {
                    failure = ex instanceof MmqException clear ? clear : new MmqException(file.path() + ": failed to close", ex);
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        file.release();
        if (null != failure)
        {
            throw failure;
        }
    }
}
