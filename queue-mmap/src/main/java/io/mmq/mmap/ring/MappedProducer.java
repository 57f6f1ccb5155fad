package io.mmq.mmap.ring;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

import io.mmq.BufferClaim;
import io.mmq.FlushPolicy;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueBusyException;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.file.QueueGeometry;
import io.mmq.mmap.liveness.ConsumerSlots;
import io.mmq.mmap.os.HeldLock;
import io.mmq.mmap.os.LockId;
import io.mmq.mmap.os.WakeSignal;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.ConsumerSlotLayout.ACTIVE;
import static io.mmq.mmap.layout.ConsumerSlotLayout.CURSOR_LOCKED_BIT;
import static io.mmq.mmap.layout.ConsumerSlotLayout.GROUP;
import static io.mmq.mmap.layout.ConsumerSlotLayout.MEMBER;
import static io.mmq.mmap.layout.ConsumerSlotLayout.ORPHANED;
import static io.mmq.mmap.layout.ConsumerSlotLayout.DORMANT;
import static io.mmq.mmap.layout.ConsumerSlotLayout.EVICTED;
import static io.mmq.mmap.layout.ConsumerSlotLayout.FLAGS_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.FLAG_LAP_WHEN_ABSENT;
import static io.mmq.mmap.layout.ConsumerSlotLayout.LAPPED;
import static io.mmq.mmap.layout.ConsumerSlotLayout.POSITION_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.SLOT_LENGTH;
import static io.mmq.mmap.layout.ConsumerSlotLayout.STATE_OFFSET;
import static io.mmq.mmap.layout.FrameLayout.HEADER_LENGTH;
import static io.mmq.mmap.layout.FrameLayout.TYPE_MESSAGE;
import static io.mmq.mmap.layout.FrameLayout.TYPE_AND_LAP_OFFSET;
import static io.mmq.mmap.layout.FrameLayout.typeAndLap;
import static io.mmq.mmap.layout.FrameLayout.TYPE_PADDING;
import static io.mmq.mmap.layout.FrameLayout.alignedLength;
import static io.mmq.mmap.layout.HeaderLayout.CHECKPOINTS_VERSION;
import static io.mmq.mmap.layout.HeaderLayout.CREATION_ID_VERSION;
import static io.mmq.mmap.layout.HeaderLayout.checkpointSourceOffset;
import static io.mmq.mmap.layout.HeaderLayout.CHECKPOINT_A_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.CHECKPOINT_B_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.CHECKPOINT_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.CHECKPOINT_VALUE_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.JOIN_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.PRODUCER_PID_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.PRODUCER_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.RECLAIM_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.WAKE_WANTED_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.SPACE_REQUEST_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.SPACE_SIGNAL_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.VERSION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.WAKE_SIGNAL_OFFSET;

/**
 * The producer of a mapped queue: the one process that writes frames into the ring.
 *
 * <p>It never overwrites bytes an active consumer still needs. It keeps a cached {@link #limit}, the
 * position it may write up to, and reads the consumer table only when a claim would pass it (see
 * {@link #refreshLimit}); the common publication is a bounds check, a copy and two ordered stores.
 */
public final class MappedProducer implements Producer, BufferClaim.Completion
{
    /** How long a timed offer spins before it sleeps in the kernel. */
    static final long SPIN_BEFORE_SLEEP_NANOS = 5_000;

    /**
     * A producer asleep on a full ring wakes this often (100 ms unless the system property
     * {@value #BLOCKED_RECHECK_PROPERTY} gives other milliseconds) to look for consumers that died without
     * waking it: the bound on how long a dead consumer can hold back a sleeping producer.
     */
    public static final String BLOCKED_RECHECK_PROPERTY = "mmq.producerRecheckMillis";
    static final long BLOCKED_RECHECK_NANOS = Math.max(1, Long.getLong(BLOCKED_RECHECK_PROPERTY, 100)) * 1_000_000L;

    /**
     * A producer held back looks for dead consumers at most this often (10 ms unless the system property
     * {@value #REAP_INTERVAL_PROPERTY} gives other milliseconds): with the recheck above, the bound on how
     * long a dead consumer holds back a live producer. Each look takes the table lock and tries one OS
     * lock per occupied slot.
     */
    public static final String REAP_INTERVAL_PROPERTY = "mmq.reapIntervalMillis";
    static final long REAP_INTERVAL_NANOS = Math.max(1, Long.getLong(REAP_INTERVAL_PROPERTY, 10)) * 1_000_000L;

    /**
     * The producer's positions and checkpoints, with the checkpoints' sources (header bytes 128 to 255): the
     * part of the header a flush writes back with the ring.
     */
    private static final int PRODUCER_LINES_LENGTH = 128;

    private final QueueFile file;
    private final HeldLock producerLock;
    private final UnsafeBuffer buffer;
    private final int ringOffset;
    private final int capacity;
    private final int mask;
    private final int capacityShift;
    private final int maxMessageLength;
    private final int consumerSlots;
    /** 0, or the lag past which a consumer is evicted rather than waited for. */
    private final long evictionLag;
    private final int slotTableOffset;
    private final long limitSlack;
    private final FrameReader frames;
    private final Runnable onClose;

    /** Where the next frame goes; only this producer writes it. */
    private long tail;

    /** Every active consumer is at or past this position, so bytes of earlier positions may be reused. */
    private long reclaimPosition;

    /** Mirror of the header's join position, which only this producer writes. */
    private long joinPosition;

    /** A frame boundary at or past {@link #reclaimPosition}, remembered so each frame is walked once. */
    private long walkPosition;

    /** Boundaries this producer wrote, so that it rarely walks frames at all. */
    private final FrameBoundaries boundaries;

    /** {@code reclaimPosition + capacity}: no write may reach past it without a refresh. */
    private long limit;

    /** From the flush policy: 0 flushes every message, {@code Long.MAX_VALUE} never. */
    private final long flushIntervalNanos;

    /** Everything before this position has been flushed to storage. */
    private long flushedPosition;
    private long lastFlushNanos;
    private long flushedBytes;

    private final ConsumerSlots slots;
    /** Idle consumers sleep on it; this producer wakes them. */
    private final WakeSignal consumersWake;
    /** This producer sleeps on it when the ring is full; consumers wake it. */
    private final WakeSignal spaceSignal;
    private long lastReapNanos;

    /** Mirror of the header's wake signal, which only this producer writes. */
    private int wakeSignal;

    private long claimedPosition = -1;
    private int claimedFrameLength;
    private boolean closed;

    /** Whether the file's format keeps checkpoints (version 6 on). */
    private final boolean keepsCheckpoints;
    /** Whether the file's format keeps a source with each checkpoint (version 7 on). */
    private final boolean keepsCheckpointSources;
    /** The checkpoint the next published message carries, or {@code NO_CHECKPOINT}. */
    private long attachedCheckpoint = NO_CHECKPOINT;
    /** The source attached with {@link #attachedCheckpoint}. */
    private long attachedSource = NO_SOURCE;
    /** The checkpoint of the last published message that carried one, or {@code NO_CHECKPOINT}. */
    private long lastCheckpoint = NO_CHECKPOINT;
    /** The source of {@link #lastCheckpoint}. */
    private long lastCheckpointSource = NO_SOURCE;
    /** The header offset of the checkpoint entry the next checkpoint goes to: the one not holding the last. */
    private int spareCheckpointEntry = CHECKPOINT_A_OFFSET;

    /**
     * Takes the producer role for {@code file}, resuming after the last complete frame.
     *
     * @throws QueueBusyException if another producer holds the role.
     */
    public MappedProducer(final QueueFile file, final FlushPolicy flushPolicy, final Runnable onClose)
    {
        this.flushIntervalNanos = flushPolicy.intervalNanos();
        this.file = file;
        this.onClose = onClose;
        final QueueGeometry geometry = file.geometry();
        this.buffer = file.buffer();
        this.ringOffset = geometry.ringOffset();
        this.capacity = geometry.capacity();
        this.mask = capacity - 1;
        this.capacityShift = Integer.numberOfTrailingZeros(capacity);
        this.maxMessageLength = geometry.maxMessageLength();
        this.consumerSlots = geometry.consumerSlots();
        this.evictionLag = geometry.evictionLag();
        this.slotTableOffset = geometry.slotOffset(0);
        this.limitSlack = capacity / 4;
        this.boundaries = new FrameBoundaries(capacity);
        this.frames = new FrameReader(file);
        this.keepsCheckpoints = buffer.getInt(VERSION_OFFSET) >= CHECKPOINTS_VERSION;
        this.keepsCheckpointSources = buffer.getInt(VERSION_OFFSET) >= CREATION_ID_VERSION;
        this.slots = new ConsumerSlots(file);
        this.consumersWake = file.coordination().newWakeSignal(WAKE_SIGNAL_OFFSET, "wake");
        this.spaceSignal = file.coordination().newWakeSignal(SPACE_SIGNAL_OFFSET, "space");

        producerLock = file.coordination().locks().tryLock(LockId.producer());
        if (null == producerLock)
        {
            throw new QueueBusyException(file.path(), "another producer holds this queue (last producer pid " +
                buffer.getLongVolatile(PRODUCER_PID_OFFSET) + "); a queue has one producer at a time");
        }
        try
        {
            recover();
        }
        catch (final RuntimeException ex)
        {
            producerLock.release();
            throw ex;
        }
        buffer.putLongOrdered(PRODUCER_PID_OFFSET, ProcessHandle.current().pid());
    }

    /**
     * Continues from the positions in the header. A previous producer may have died after committing a
     * frame but before advancing the producer position: walk forward over committed frames to the zeroed
     * header that always follows the last one.
     */
    private void recover()
    {
        final long position = buffer.getLongVolatile(PRODUCER_POSITION_OFFSET);
        final long join = buffer.getLongVolatile(JOIN_POSITION_OFFSET);
        final long reclaim = buffer.getLongVolatile(RECLAIM_POSITION_OFFSET);
        if (reclaim < 0 || reclaim > join || join > position || position - reclaim > capacity ||
            ((reclaim | join | position) & (HEADER_LENGTH - 1)) != 0)
        {
            throw frames.corrupt(position, "producer positions are inconsistent: reclaim " + reclaim +
                ", join " + join + ", producer " + position);
        }

        long end = position;
        int frameLength;
        while ((frameLength = buffer.getIntVolatile(ringOffset + (int)(end & mask))) != 0)
        {
            end += frames.checkedAlignedLength(end, frameLength);
            if (end - reclaim > capacity)
            {
                throw frames.corrupt(end, "committed frames run past the reclaim position " + reclaim +
                    " plus the ring capacity");
            }
        }

        tail = end;
        if (keepsCheckpoints)
        {
            recoverCheckpoints(end);
        }
        reclaimPosition = reclaim;
        joinPosition = join;
        walkPosition = join;
        limit = reclaim + capacity;
        flushedPosition = Math.max(reclaim, end - capacity);
        wakeSignal = buffer.getIntVolatile(WAKE_SIGNAL_OFFSET);
        lastFlushNanos = System.nanoTime();
        buffer.putLongOrdered(PRODUCER_POSITION_OFFSET, end);
        // A predecessor may have died between committing a frame and waking its sleepers: wake them now.
        wakeConsumers();
    }

    /**
     * Finds the last checkpoint. An entry whose Position lies past {@code tail}, the end of the last
     * committed frame, belongs to a message a predecessor died before committing: no consumer saw it, the
     * next frame will be written over it, so its checkpoint never counted. It is zeroed before anything
     * else is published, or a later message ending at that position would make it count.
     */
    private void recoverCheckpoints(final long tail)
    {
        final int step = CHECKPOINT_B_OFFSET - CHECKPOINT_A_OFFSET;
        // Check both entries before changing either: a damaged file is refused untouched.
        for (int entry = CHECKPOINT_A_OFFSET; entry <= CHECKPOINT_B_OFFSET; entry += step)
        {
            final long position = buffer.getLongVolatile(entry + CHECKPOINT_POSITION_OFFSET);
            final long value = buffer.getLongVolatile(entry + CHECKPOINT_VALUE_OFFSET);
            if (position < 0 || (position & (HEADER_LENGTH - 1)) != 0 || (position != 0 && value < 0))
            {
                throw frames.corrupt(position, "checkpoint entry at header offset " + entry + " holds position " +
                    position + " and value " + value + ": not a frame end with a non-negative checkpoint");
            }
        }
        final long positionA = buffer.getLongVolatile(CHECKPOINT_A_OFFSET + CHECKPOINT_POSITION_OFFSET);
        if (positionA != 0 && positionA == buffer.getLongVolatile(CHECKPOINT_B_OFFSET + CHECKPOINT_POSITION_OFFSET))
        {
            throw frames.corrupt(positionA, "both checkpoint entries hold position " + positionA +
                ": one message carries one checkpoint");
        }

        boolean emptied = false;
        long newest = 0;
        for (int entry = CHECKPOINT_A_OFFSET; entry <= CHECKPOINT_B_OFFSET; entry += step)
        {
            final long position = buffer.getLongVolatile(entry + CHECKPOINT_POSITION_OFFSET);
            if (position > tail)
            {
                buffer.putLongOrdered(entry + CHECKPOINT_POSITION_OFFSET, 0L);
                emptied = true;
            }
            else if (position > newest)
            {
                newest = position;
                lastCheckpoint = buffer.getLongVolatile(entry + CHECKPOINT_VALUE_OFFSET);
                lastCheckpointSource = keepsCheckpointSources ?
                    buffer.getLongVolatile(checkpointSourceOffset(entry)) : NO_SOURCE;
                spareCheckpointEntry = entry == CHECKPOINT_A_OFFSET ? CHECKPOINT_B_OFFSET : CHECKPOINT_A_OFFSET;
            }
        }
        if (emptied && flushIntervalNanos != Long.MAX_VALUE)
        {
            // On a real disk the dead entry may already be on storage: the emptying must reach it before
            // any later flush of a message that ends at the same position.
            file.force(PRODUCER_POSITION_OFFSET, PRODUCER_LINES_LENGTH);
        }
    }

    @Override
    public void attachCheckpoint(final long checkpoint)
    {
        attachCheckpoint(checkpoint, NO_SOURCE);
    }

    @Override
    public void attachCheckpoint(final long checkpoint, final long source)
    {
        if (checkpoint < NO_CHECKPOINT)
        {
            throw new IllegalArgumentException(file.path() + ": checkpoint " + checkpoint +
                " is negative (only NO_CHECKPOINT, -1, may be attached: it detaches one)");
        }
        if (!keepsCheckpoints && checkpoint != NO_CHECKPOINT)
        {
            throw new MmqException(file.path() + ": this queue file is format version " +
                buffer.getInt(VERSION_OFFSET) + ", and checkpoints need version " + CHECKPOINTS_VERSION +
                " (older producers would not discard an uncommitted one); create the queue anew to use them");
        }
        if (!keepsCheckpointSources && source != NO_SOURCE)
        {
            throw new MmqException(file.path() + ": this queue file is format version " +
                buffer.getInt(VERSION_OFFSET) + ", and a checkpoint's source needs version " + CREATION_ID_VERSION +
                "; create the queue anew to use it");
        }
        attachedCheckpoint = checkpoint;
        attachedSource = source;
    }

    @Override
    public long checkpoint()
    {
        return lastCheckpoint;
    }

    @Override
    public long checkpointSource()
    {
        return lastCheckpointSource;
    }

    /**
     * @throws io.mmq.QueueTruncatedException if another process cut the file while it was mapped.
     */
    @Override
    public long offer(final DirectBuffer source, final int offset, final int length)
    {
        try
        {
            return publish(source, offset, length);
        }
        catch (final InternalError fault)
        {
            throw file.explainFault(fault);
        }
    }

    private long publish(final DirectBuffer source, final int offset, final int length)
    {
        checkMessageLength(length);
        if (closed)
        {
            return CLOSED;
        }
        if (file.isTruncated())
        {
            throw file.truncation();
        }
        if (claimedPosition >= 0)
        {
            throw new IllegalStateException(file.path() + ": a claim is open; commit or abort it first");
        }

        final int frameLength = HEADER_LENGTH + length;
        final long position = claimFrame(alignedLength(frameLength));
        if (position < 0)
        {
            return position;
        }
        final int index = ringOffset + (int)(position & mask);
        buffer.putInt(index + TYPE_AND_LAP_OFFSET, typeAndLap(TYPE_MESSAGE, position, capacityShift));
        buffer.putBytes(index + HEADER_LENGTH, source, offset, length);
        return commitFrame(position, index, frameLength);
    }

    /**
     * @throws io.mmq.QueueTruncatedException if another process cut the file while it was mapped.
     */
    @Override
    public long offer(
        final DirectBuffer source, final int offset, final int length, final long timeout, final TimeUnit unit)
    {
        try
        {
            return publishWithin(source, offset, length, timeout, unit);
        }
        catch (final InternalError fault)
        {
            throw file.explainFault(fault);
        }
    }

    private long publishWithin(
        final DirectBuffer source, final int offset, final int length, final long timeout, final TimeUnit unit)
    {
        long result = publish(source, offset, length);
        if (result != BACK_PRESSURED)
        {
            return result;
        }
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        final long spinUntil = System.nanoTime() + Math.min(SPIN_BEFORE_SLEEP_NANOS, unit.toNanos(timeout));
        while ((result = publish(source, offset, length)) == BACK_PRESSURED && System.nanoTime() - spinUntil < 0)
        {
            Thread.onSpinWait();
        }
        long left;
        while (result == BACK_PRESSURED && (left = deadline - System.nanoTime()) > 0 &&
            !Thread.currentThread().isInterrupted())
        {
            sleepUntilSpace(source, offset, length, Math.min(left, BLOCKED_RECHECK_NANOS));
            result = publish(source, offset, length);
        }
        return result;
    }

    /**
     * The producer half of waiting for room, the mirror of consumers waiting for messages: publish the
     * space request with a volatile store (a full fence), look at the consumers once more, then sleep on
     * the space signal. A consumer stores its position, fences, then compares the request with the
     * signal: one of us sees the other. The sleep is cut to {@link #BLOCKED_RECHECK_NANOS}, so a consumer
     * that died without waking us is still noticed.
     */
    private void sleepUntilSpace(final DirectBuffer source, final int offset, final int length, final long nanos)
    {
        final int signal = buffer.getIntVolatile(SPACE_SIGNAL_OFFSET);
        buffer.putIntVolatile(SPACE_REQUEST_OFFSET, signal);
        final long end = claimEnd(alignedLength(HEADER_LENGTH + length));
        if (end <= limit || refreshLimit(end))
        {
            return;
        }
        spaceSignal.await(signal, nanos);
    }

    /**
     * @throws io.mmq.QueueTruncatedException if another process cut the file while it was mapped.
     */
    @Override
    public long tryClaim(final int length, final BufferClaim claim)
    {
        try
        {
            return claim(length, claim);
        }
        catch (final InternalError fault)
        {
            throw file.explainFault(fault);
        }
    }

    private long claim(final int length, final BufferClaim claim)
    {
        checkMessageLength(length);
        if (closed)
        {
            return CLOSED;
        }
        if (file.isTruncated())
        {
            throw file.truncation();
        }
        if (claimedPosition >= 0)
        {
            throw new IllegalStateException(file.path() + ": a claim is open; commit or abort it first");
        }

        final int frameLength = HEADER_LENGTH + length;
        final int alignedLength = alignedLength(frameLength);
        final long position = claimFrame(alignedLength);
        if (position < 0)
        {
            return position;
        }
        final int index = ringOffset + (int)(position & mask);
        buffer.putInt(index + TYPE_AND_LAP_OFFSET, typeAndLap(TYPE_MESSAGE, position, capacityShift));
        claimedPosition = position;
        claimedFrameLength = frameLength;
        claim.wrap(buffer, index + HEADER_LENGTH, length, this);
        return position + alignedLength;
    }

    @Override
    public void commit(final BufferClaim claim)
    {
        final long position = requireOpenClaim();
        claimedPosition = -1;
        if (file.isTruncated())
        {
            throw file.truncation();
        }
        try
        {
            commitFrame(position, ringOffset + (int)(position & mask), claimedFrameLength);
        }
        catch (final InternalError fault)
        {
            throw file.explainFault(fault);
        }
    }

    @Override
    public void abort(final BufferClaim claim)
    {
        requireOpenClaim();
        // The frame length at the claimed position is still zero: nobody can see the claim, and the
        // next claim starts at the same position.
        claimedPosition = -1;
    }

    private long requireOpenClaim()
    {
        if (claimedPosition < 0)
        {
            throw new IllegalStateException(file.path() + ": no open claim");
        }
        return claimedPosition;
    }

    /**
     * @return how far a frame of {@code alignedLength} bytes written now reaches: its end, after any
     *         padding it needs, plus the header after it, which it zeroes.
     */
    private long claimEnd(final int alignedLength)
    {
        final int toEnd = capacity - (int)(tail & mask);
        return tail + (alignedLength > toEnd ? toEnd : 0) + alignedLength + HEADER_LENGTH;
    }

    /**
     * Finds room for a frame of {@code alignedLength} bytes at the tail, writing a padding frame first if
     * the frame would not fit before the end of the ring.
     *
     * @return the position of the frame, or {@link #BACK_PRESSURED}.
     */
    private long claimFrame(final int alignedLength)
    {
        long position = tail;
        final int offset = (int)(position & mask);
        final int toEnd = capacity - offset;
        final int padding = alignedLength > toEnd ? toEnd : 0;

        final long end = position + padding + alignedLength + HEADER_LENGTH;
        if (end > limit && !refreshLimit(end))
        {
            return BACK_PRESSURED;
        }

        if (padding > 0)
        {
            final int index = ringOffset + offset;
            buffer.putInt(index + TYPE_AND_LAP_OFFSET, typeAndLap(TYPE_PADDING, position, capacityShift));
            buffer.putLong(ringOffset, 0L);
            buffer.putIntOrdered(index, padding);
            boundaries.frameWritten(position, position + padding);
            position += padding;
            tail = position;
            // Published like a message: a consumer joining at LATEST starts after it, and lag never
            // goes negative if the claim that follows is aborted.
            buffer.putLongOrdered(PRODUCER_POSITION_OFFSET, position);
        }
        return position;
    }

    /**
     * Publishes the frame at {@code position}: zero the header after it, then store its length. The
     * ordered store is the commit: a consumer that sees the length sees the whole frame and the zero.
     */
    private long commitFrame(final long position, final int index, final int frameLength)
    {
        final long next = position + alignedLength(frameLength);
        buffer.putLong(ringOffset + (int)(next & mask), 0L);
        final long checkpoint = attachedCheckpoint;
        if (checkpoint != NO_CHECKPOINT)
        {
            writeSpareCheckpointEntry(next, checkpoint);
        }
        buffer.putIntOrdered(index, frameLength);
        if (checkpoint != NO_CHECKPOINT)
        {
            checkpointPublished(checkpoint);
        }
        boundaries.frameWritten(position, next);
        tail = next;
        buffer.putLongOrdered(PRODUCER_POSITION_OFFSET, next);
        // The producer half of the wake-up protocol (see MappedConsumer.sleepUntilPublished): the fence
        // orders the commit before the read of the wake-wanted flag, so no sleeper misses this frame. The
        // exchange answers each request once: a system call per falling asleep, not per publication.
        VarHandle.fullFence();
        if (buffer.getIntVolatile(WAKE_WANTED_OFFSET) != 0 && buffer.getAndSetInt(WAKE_WANTED_OFFSET, 0) != 0)
        {
            wakeConsumers();
        }
        if (flushIntervalNanos != Long.MAX_VALUE)
        {
            flushByPolicy();
        }
        return next;
    }

    /**
     * Writes {@code checkpoint} into the spare entry, with the end of the frame about to be committed as its
     * Position. The entry that counts is left alone, and a death anywhere in here leaves it counting: while
     * the spare entry is being written its Position is 0 (the fence keeps the Value store behind that), and
     * once written its Position lies past the last committed frame until the commit that follows.
     */
    private void writeSpareCheckpointEntry(final long messageEnd, final long checkpoint)
    {
        final int entry = spareCheckpointEntry;
        buffer.putLongOrdered(entry + CHECKPOINT_POSITION_OFFSET, 0L);
        VarHandle.storeStoreFence();
        buffer.putLong(entry + CHECKPOINT_VALUE_OFFSET, checkpoint);
        if (keepsCheckpointSources)
        {
            buffer.putLong(checkpointSourceOffset(entry), attachedSource);
        }
        buffer.putLongOrdered(entry + CHECKPOINT_POSITION_OFFSET, messageEnd);
    }

    /** Once the frame carrying {@code checkpoint} is committed: the spare entry now counts. */
    private void checkpointPublished(final long checkpoint)
    {
        lastCheckpoint = checkpoint;
        lastCheckpointSource = attachedSource;
        attachedCheckpoint = NO_CHECKPOINT;
        attachedSource = NO_SOURCE;
        spareCheckpointEntry = spareCheckpointEntry == CHECKPOINT_A_OFFSET ? CHECKPOINT_B_OFFSET : CHECKPOINT_A_OFFSET;
    }

    private void wakeConsumers()
    {
        final int previous = wakeSignal++;
        buffer.putIntVolatile(WAKE_SIGNAL_OFFSET, wakeSignal);
        consumersWake.wakeAll(previous);
    }

    private void flushByPolicy()
    {
        if (flushIntervalNanos == 0 || System.nanoTime() - lastFlushNanos >= flushIntervalNanos)
        {
            flush();
        }
    }

    @Override
    public void flush()
    {
        if (closed)
        {
            return;
        }
        final long from = Math.max(flushedPosition, tail - capacity);
        final long to = tail;
        if (to > from)
        {
            final int fromOffset = (int)(from & mask);
            final int length = (int)(to - from);
            flushedBytes += length;
            if (fromOffset + length <= capacity)
            {
                file.force(ringOffset + fromOffset, length);
            }
            else
            {
                file.force(ringOffset + fromOffset, capacity - fromOffset);
                file.force(ringOffset, length - (capacity - fromOffset));
            }
        }
        file.force(PRODUCER_POSITION_OFFSET, PRODUCER_LINES_LENGTH);
        flushedPosition = to;
        lastFlushNanos = System.nanoTime();
    }

    /**
     * Called when a write would reach {@code end}, past the cached limit. Writing up to {@code end}
     * reuses the bytes of every position below {@code end - capacity}, so every active consumer must be
     * at or past it. The new reclaim position is also where consumers may join, so it is advanced no
     * further than needed plus a quarter of the ring: joining at EARLIEST keeps most of the ring's history,
     * and the table is read at most about four times per lap.
     *
     * <p>Correctness across processes rests on a store-then-load on each side (the Dekker pattern):
     * the producer publishes the join position with a volatile store and then reads the table; a joining
     * consumer writes its position with a volatile store and then reads the join position. One of them
     * sees the other, so a consumer that settles at a position is always seen before that position is
     * reused. {@code docs/design.md} gives the whole argument.
     */
    private boolean refreshLimit(final long end)
    {
        if (tryRefreshLimit(end))
        {
            return true;
        }
        // Held back. If a consumer holding us back has died, free its slot and look again; the check
        // takes the table lock and a system call per slot, so do it at most once per interval.
        final long now = System.nanoTime();
        if (now - lastReapNanos >= REAP_INTERVAL_NANOS)
        {
            lastReapNanos = now;
            if (slots.tryReapDead() > 0)
            {
                return tryRefreshLimit(end);
            }
        }
        return false;
    }

    private boolean tryRefreshLimit(final long end)
    {
        final long needed = end - capacity;
        long candidate = Math.min(minActiveConsumerPosition(end), boundaryAtOrAfter(Math.min(needed + limitSlack, tail)));
        if (candidate < needed)
        {
            return false;
        }
        if (candidate > joinPosition)
        {
            joinPosition = candidate;
            buffer.putLongVolatile(JOIN_POSITION_OFFSET, candidate);
        }

        // A consumer that joined while the table was read may sit below the candidate: read it again.
        candidate = Math.min(candidate, minActiveConsumerPosition(end));
        if (candidate < needed)
        {
            return false;
        }
        reclaimPosition = candidate;
        buffer.putLongOrdered(RECLAIM_POSITION_OFFSET, candidate);
        limit = candidate + capacity;
        return true;
    }

    /**
     * @return the lowest position of a consumer the producer must wait for (ACTIVE, or a DORMANT named
     *         one) at or past the reclaim position, or {@code Long.MAX_VALUE} if there is none. A position
     *         below the reclaim position belongs to a consumer still joining; it will move up to the join
     *         position before it reads anything. A consumer this write would leave too far behind is left
     *         out instead: an ACTIVE one past the eviction lag is evicted, a DORMANT one past the eviction
     *         lag, or past the ring if it lets the producer lap it, is lapped.
     */
    private long minActiveConsumerPosition(final long end)
    {
        final UnsafeBuffer buffer = this.buffer;
        long min = Long.MAX_VALUE;
        for (int i = 0, offset = slotTableOffset; i < consumerSlots; i++, offset += SLOT_LENGTH)
        {
            min = Math.min(min, heldPosition(i, offset, end));
        }
        return min;
    }

    /**
     * @return the position slot {@code slot} holds the producer at, or {@code Long.MAX_VALUE} if none.
     */
    private long heldPosition(final int slot, final int offset, final long end)
    {
        while (true)
        {
            final int state = buffer.getIntVolatile(offset + STATE_OFFSET);
            if (state != ACTIVE && state != DORMANT)
            {
                return groupHeldPosition(slot, offset, state);
            }
            final long position = buffer.getLongVolatile(offset + POSITION_OFFSET);
            if (position < reclaimPosition)
            {
                return Long.MAX_VALUE;
            }
            if ((position & (HEADER_LENGTH - 1)) != 0 || position > tail)
            {
                throw frames.corrupt(position, "consumer slot " + slot + " holds position " + position +
                    ", which is not a frame boundary at or before the producer position " + tail);
            }
            final long lag = end - position;
            final boolean leftBehind = (0 != evictionLag && lag > evictionLag) || (state == DORMANT && lag > capacity &&
                (buffer.getInt(offset + FLAGS_OFFSET) & FLAG_LAP_WHEN_ABSENT) != 0);
            if (!leftBehind)
            {
                return position;
            }
            // The swap is the eviction (or the lapping): from here on nothing protects the consumer's
            // unread bytes. A live consumer finds out by reading its state after each message; a named
            // one coming back finds the join position past its own. If the swap fails, the slot changed
            // (left, reaped, resumed): look at it again.
            if (buffer.compareAndSetInt(offset + STATE_OFFSET, state, state == ACTIVE ? EVICTED : LAPPED))
            {
                // Evict before overwrite, on every processor: no ring store may pass the swap.
                VarHandle.fullFence();
                return Long.MAX_VALUE;
            }
        }
    }

    /**
     * @return where a consumer group's slot holds the producer: a GROUP at its Cursor (what no member has
     *         claimed yet; bit 0 may be set by a claimer holding the claim lock), a MEMBER or ORPHANED slot
     *         at its Position (where its unfinished claim resumes; a member with no claim stores
     *         {@code NO_CLAIM}, below every reclaim position). {@code Long.MAX_VALUE} for other slots.
     *         Groups are never evicted or lapped: a queue with an eviction lag refuses them.
     */
    private long groupHeldPosition(final int slot, final int offset, final int state)
    {
        if (state != GROUP && state != MEMBER && state != ORPHANED)
        {
            return Long.MAX_VALUE;
        }
        long position = buffer.getLongVolatile(offset + POSITION_OFFSET);
        if (state == GROUP)
        {
            position &= ~CURSOR_LOCKED_BIT;
        }
        if (position < reclaimPosition)
        {
            return Long.MAX_VALUE;
        }
        if ((position & (HEADER_LENGTH - 1)) != 0 || position > tail)
        {
            throw frames.corrupt(position, "consumer slot " + slot + " (a consumer group's) holds position " +
                position + ", which is not a frame boundary at or before the producer position " + tail);
        }
        return position;
    }

    /**
     * @return a frame boundary at or past {@code target} (at most {@code tail}): the first one this producer
     *         noted there, at most a sixteenth of the ring (or one long frame) past the first there is, or
     *         else the first there is, found by walking.
     */
    private long boundaryAtOrAfter(final long target)
    {
        final long noted = boundaries.firstAtOrAfter(target, tail);
        return noted >= 0 ? noted : walkTo(target);
    }

    /**
     * @return the first frame boundary at or past {@code target}, found by walking the frames this
     *         producer wrote; the frames at and after the reclaim position are intact, so the walk is safe.
     */
    private long walkTo(final long target)
    {
        long position = Math.max(walkPosition, reclaimPosition);
        while (position < target)
        {
            final int frameLength = buffer.getInt(ringOffset + (int)(position & mask));
            position += frames.checkedAlignedLength(position, frameLength);
        }
        walkPosition = position;
        return position;
    }

    private void checkMessageLength(final int length)
    {
        if (length < 0 || length > maxMessageLength)
        {
            throw new IllegalArgumentException(file.path() + ": message length " + length +
                " is outside 0 to the queue's max message length of " + maxMessageLength);
        }
    }

    @Override
    public long position()
    {
        return tail;
    }

    /**
     * @return how many bytes of the ring this producer has flushed to storage, in total.
     */
    public long flushedBytes()
    {
        return flushedBytes;
    }

    @Override
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (flushIntervalNanos != Long.MAX_VALUE)
        {
            flush();
        }
        closed = true;
        claimedPosition = -1;
        producerLock.release();
        onClose.run();
    }
}
