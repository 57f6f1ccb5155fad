package io.mmq;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The geometry of a queue and how its file is created. Immutable; each {@code with...} returns a copy.
 *
 * <p>Geometry is fixed when a queue is created and stored in the file. Opening an existing queue with
 * options checks them against the file and refuses a mismatch rather than guessing.
 */
public final class QueueOptions
{
    /** Smallest ring: one page. */
    public static final int MIN_CAPACITY = 4096;

    /**
     * Largest ring: 1 GiB. The whole file is mapped as one region indexed by a Java {@code int}, which
     * caps the mapping below 2 GiB; the next power of two would not fit with the header.
     */
    public static final int MAX_CAPACITY = 1 << 30;

    /** A message may use at most this fraction of the ring, as in Agrona and Aeron: 1/8. */
    public static final int CAPACITY_TO_MAX_MESSAGE_RATIO = 8;

    /** Most consumer slots a queue file can have. */
    public static final int MAX_CONSUMER_SLOTS = 4096;

    public static final int DEFAULT_CAPACITY = 1 << 20;
    public static final int DEFAULT_CONSUMER_SLOTS = 16;

    private final int capacity;
    private final int maxMessageLength;
    private final int consumerSlots;
    private final Set<PosixFilePermission> permissions;
    private final boolean pretouch;
    private final FlushPolicy flushPolicy;
    private final SlowConsumerPolicy slowConsumerPolicy;

    private QueueOptions(
        final int capacity,
        final int maxMessageLength,
        final int consumerSlots,
        final Set<PosixFilePermission> permissions,
        final boolean pretouch,
        final FlushPolicy flushPolicy,
        final SlowConsumerPolicy slowConsumerPolicy)
    {
        this.flushPolicy = flushPolicy;
        this.slowConsumerPolicy = slowConsumerPolicy;
        this.capacity = capacity;
        this.maxMessageLength = maxMessageLength;
        this.consumerSlots = consumerSlots;
        this.permissions = permissions;
        this.pretouch = pretouch;
    }

    /**
     * @return a 1 MiB ring, messages up to 128 KiB, 16 consumer slots, a producer that waits for slow
     *         consumers, a file only its owner can read, and the ring pretouched when a producer or
     *         consumer opens it.
     */
    public static QueueOptions defaults()
    {
        return new QueueOptions(
            DEFAULT_CAPACITY,
            DEFAULT_CAPACITY / CAPACITY_TO_MAX_MESSAGE_RATIO,
            DEFAULT_CONSUMER_SLOTS,
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
            true,
            FlushPolicy.never(),
            SlowConsumerPolicy.block());
    }

    /**
     * Sets the ring size in bytes: a power of two from {@link #MIN_CAPACITY} to {@link #MAX_CAPACITY}.
     * If the maximum message length was larger than the new ring allows, it shrinks to the new limit.
     *
     * <p>A ring that fits in the caches is fastest while every consumer keeps its core; when consumers
     * can be taken off their cores (more busy threads than cores), the producer stops once the ring is full
     * behind one of them, so the ring should hold several scheduler time slices (milliseconds) of
     * messages ({@code docs/limits.md}, "Choosing a ring size").
     */
    public QueueOptions withCapacity(final int capacity)
    {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException(
                "capacity must be a power of two from " + MIN_CAPACITY + " to " + MAX_CAPACITY + ": " + capacity);
        }
        return new QueueOptions(
            capacity, Math.min(maxMessageLength, maxMessageLengthLimit(capacity)), consumerSlots, permissions, pretouch, flushPolicy, slowConsumerPolicy);
    }

    /**
     * Sets the largest message in bytes: from 0 to {@code capacity / 8}.
     */
    public QueueOptions withMaxMessageLength(final int maxMessageLength)
    {
        if (maxMessageLength < 0 || maxMessageLength > maxMessageLengthLimit(capacity))
        {
            throw new IllegalArgumentException(
                "maxMessageLength must be from 0 to capacity/" + CAPACITY_TO_MAX_MESSAGE_RATIO + " = " +
                maxMessageLengthLimit(capacity) + " for a capacity of " + capacity + ": " + maxMessageLength);
        }
        return new QueueOptions(capacity, maxMessageLength, consumerSlots, permissions, pretouch, flushPolicy, slowConsumerPolicy);
    }

    /**
     * Sets how many consumers can be open at once: from 1 to {@link #MAX_CONSUMER_SLOTS}.
     */
    public QueueOptions withConsumerSlots(final int consumerSlots)
    {
        if (consumerSlots < 1 || consumerSlots > MAX_CONSUMER_SLOTS)
        {
            throw new IllegalArgumentException(
                "consumerSlots must be from 1 to " + MAX_CONSUMER_SLOTS + ": " + consumerSlots);
        }
        return new QueueOptions(capacity, maxMessageLength, consumerSlots, permissions, pretouch, flushPolicy, slowConsumerPolicy);
    }

    /**
     * Sets the permissions a new queue file gets, on systems with POSIX permissions. The default lets
     * only the owner read and write; widen it, for example to the owner's group, to share the queue with
     * processes of other users. Ignored when opening an existing file.
     */
    public QueueOptions withPermissions(final Set<PosixFilePermission> permissions)
    {
        Objects.requireNonNull(permissions, "permissions");
        if (!permissions.contains(PosixFilePermission.OWNER_READ) ||
            !permissions.contains(PosixFilePermission.OWNER_WRITE))
        {
            throw new IllegalArgumentException("permissions must include owner read and write: " + permissions);
        }
        return new QueueOptions(capacity, maxMessageLength, consumerSlots, Set.copyOf(permissions), pretouch, flushPolicy, slowConsumerPolicy);
    }

    /**
     * Sets whether opening a producer or consumer first touches every page of the ring (on by default).
     * The first access to each page of a mapping costs a page fault, tens of microseconds to a
     * millisecond at the tail of the latency distribution; touching the pages up front moves that cost
     * to start-up (about 0.1 s per GiB of ring). The producer touches for writing, consumers for
     * reading; each JVM touches a queue once per kind. Ignored by tools that only inspect a queue.
     */
    public QueueOptions withPretouch(final boolean pretouch)
    {
        return new QueueOptions(capacity, maxMessageLength, consumerSlots, permissions, pretouch, flushPolicy, slowConsumerPolicy);
    }

    public boolean pretouch()
    {
        return pretouch;
    }

    /**
     * Sets when a producer flushes published messages to the file's storage; see {@link FlushPolicy}.
     * The default is {@link FlushPolicy#never()}.
     */
    public QueueOptions withFlushPolicy(final FlushPolicy flushPolicy)
    {
        return new QueueOptions(capacity, maxMessageLength, consumerSlots, permissions, pretouch,
            Objects.requireNonNull(flushPolicy, "flushPolicy"), slowConsumerPolicy);
    }

    /**
     * Sets what the producer does about consumers that fall behind: {@link SlowConsumerPolicy#block()}
     * (the default) or evict them past a lag from one largest frame up to the capacity. Stored in the
     * file: part of the queue's geometry.
     */
    public QueueOptions withSlowConsumerPolicy(final SlowConsumerPolicy slowConsumerPolicy)
    {
        final QueueOptions options = new QueueOptions(capacity, maxMessageLength, consumerSlots, permissions, pretouch,
            flushPolicy, Objects.requireNonNull(slowConsumerPolicy, "slowConsumerPolicy"));
        options.checkSlowConsumerPolicy();
        return options;
    }

    /**
     * Checks that the slow consumer policy fits the ring; called again when a queue is created, since a
     * later {@link #withCapacity} or {@link #withMaxMessageLength} may have changed the ring.
     *
     * @throws IllegalArgumentException if an eviction lag is shorter than one largest frame or longer
     *                                  than the ring.
     */
    public void checkSlowConsumerPolicy()
    {
        final long lag = slowConsumerPolicy.evictionLag();
        if (slowConsumerPolicy.evicts() && (lag < maxFrameLength(maxMessageLength) || lag > capacity))
        {
            throw new IllegalArgumentException("the eviction lag must be from one largest frame (" +
                maxFrameLength(maxMessageLength) + " bytes) to the capacity (" + capacity + " bytes): " + lag);
        }
    }

    public SlowConsumerPolicy slowConsumerPolicy()
    {
        return slowConsumerPolicy;
    }

    /** A message of {@code maxMessageLength} bytes with its 8-byte header, rounded up to 8 bytes. */
    private static long maxFrameLength(final int maxMessageLength)
    {
        return (8L + maxMessageLength + 7) & ~7L;
    }

    public FlushPolicy flushPolicy()
    {
        return flushPolicy;
    }

    public int capacity()
    {
        return capacity;
    }

    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    public int consumerSlots()
    {
        return consumerSlots;
    }

    public Set<PosixFilePermission> permissions()
    {
        return permissions;
    }

    /**
     * @return the largest {@code maxMessageLength} a ring of {@code capacity} bytes allows.
     */
    public static int maxMessageLengthLimit(final int capacity)
    {
        return capacity / CAPACITY_TO_MAX_MESSAGE_RATIO;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof QueueOptions && sameGeometry((QueueOptions)o) &&
            permissions.equals(((QueueOptions)o).permissions) && pretouch == ((QueueOptions)o).pretouch &&
            flushPolicy.equals(((QueueOptions)o).flushPolicy);
    }

    /**
     * @return true if {@code other} describes the same ring (capacity, maximum message, slots, slow
     *         consumer policy).
     */
    public boolean sameGeometry(final QueueOptions other)
    {
        return capacity == other.capacity && maxMessageLength == other.maxMessageLength &&
            consumerSlots == other.consumerSlots && slowConsumerPolicy.equals(other.slowConsumerPolicy);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(capacity, maxMessageLength, consumerSlots, permissions, pretouch, flushPolicy, slowConsumerPolicy);
    }

    @Override
    public String toString()
    {
        return "QueueOptions{capacity=" + capacity + ", maxMessageLength=" + maxMessageLength +
            ", consumerSlots=" + consumerSlots + ", permissions=" + permissions + ", pretouch=" + pretouch + ", flushPolicy=" + flushPolicy +
            ", slowConsumerPolicy=" + slowConsumerPolicy + "}";
    }
}
