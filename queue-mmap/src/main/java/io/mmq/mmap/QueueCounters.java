package io.mmq.mmap;

import io.mmq.MessageQueue;
import io.mmq.SlowConsumerPolicy;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.file.QueueGeometry;
import io.mmq.mmap.layout.ConsumerSlotLayout;
import io.mmq.mmap.layout.HeaderLayout;
import io.mmq.mmap.os.HeldLock;
import io.mmq.mmap.os.LockId;
import io.mmq.mmap.os.ProcessLocks;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A read-only view of the positions in a queue file, as other processes write them. Reading never
 * disturbs the queue. Valid while the queue it came from is open.
 */
public final class QueueCounters
{
    /** Returned by {@link #consumerPosition(int)} for a free slot. */
    public static final long FREE_SLOT = -1;

    private final UnsafeBuffer buffer;
    private final QueueGeometry geometry;
    private final ProcessLocks locks;

    QueueCounters(final QueueFile file)
    {
        this(file.buffer(), file.geometry(), file.coordination().locks());
    }

    QueueCounters(final UnsafeBuffer buffer, final QueueGeometry geometry, final ProcessLocks locks)
    {
        this.buffer = buffer;
        this.geometry = geometry;
        this.locks = locks;
    }

    public long producerPosition()
    {
        return buffer.getLongVolatile(HeaderLayout.PRODUCER_POSITION_OFFSET);
    }

    public long joinPosition()
    {
        return buffer.getLongVolatile(HeaderLayout.JOIN_POSITION_OFFSET);
    }

    public long reclaimPosition()
    {
        return buffer.getLongVolatile(HeaderLayout.RECLAIM_POSITION_OFFSET);
    }

    /**
     * @return the checkpoint of the last published message that carried one (see
     *         {@link io.mmq.Producer#attachCheckpoint}), or {@link io.mmq.Producer#NO_CHECKPOINT}. Read as a
     *         tool reads it: an entry the producer is rewriting is read again, and one whose message is not
     *         committed yet may show a moment early.
     */
    public long lastCheckpoint()
    {
        final int a = HeaderLayout.CHECKPOINT_A_OFFSET + HeaderLayout.CHECKPOINT_POSITION_OFFSET;
        final int b = HeaderLayout.CHECKPOINT_B_OFFSET + HeaderLayout.CHECKPOINT_POSITION_OFFSET;
        final int valueOfA = HeaderLayout.CHECKPOINT_A_OFFSET + HeaderLayout.CHECKPOINT_VALUE_OFFSET;
        final int valueOfB = HeaderLayout.CHECKPOINT_B_OFFSET + HeaderLayout.CHECKPOINT_VALUE_OFFSET;
        while (true)
        {
            // Both Positions, both Values, both Positions again: read one entry at a time, a reader could
            // see each entry empty in turn while the producer rewrites one and then the other.
            final long positionA = buffer.getLongVolatile(a);
            final long positionB = buffer.getLongVolatile(b);
            final long valueA = buffer.getLongVolatile(valueOfA);
            final long valueB = buffer.getLongVolatile(valueOfB);
            if (positionA == buffer.getLongVolatile(a) && positionB == buffer.getLongVolatile(b))
            {
                if (positionA == 0 && positionB == 0)
                {
                    return io.mmq.Producer.NO_CHECKPOINT;
                }
                return positionA > positionB ? valueA : valueB;
            }
        }
    }

    public int consumerSlots()
    {
        return geometry.consumerSlots();
    }

    /**
     * @return the position of the consumer in {@code slot}, or {@link #FREE_SLOT}; an evicted consumer's
     *         too, until it leaves. A consumer group's slot gives its first unclaimed position; a group
     *         member's, where its unfinished claim resumes, or {@code -1} while it has no claim.
     */
    public long consumerPosition(final int slot)
    {
        final int offset = checkedSlotOffset(slot);
        final int state = buffer.getIntVolatile(offset + ConsumerSlotLayout.STATE_OFFSET);
        if (state == ConsumerSlotLayout.FREE)
        {
            return FREE_SLOT;
        }
        final long position = buffer.getLongVolatile(offset + ConsumerSlotLayout.POSITION_OFFSET);
        return state == ConsumerSlotLayout.GROUP ? position & ~ConsumerSlotLayout.CURSOR_LOCKED_BIT : position;
    }

    /**
     * @return the group slot of the group member or orphaned claim in {@code slot}, or -1 for any other slot.
     */
    public int memberGroup(final int slot)
    {
        final int offset = checkedSlotOffset(slot);
        final int state = buffer.getIntVolatile(offset + ConsumerSlotLayout.STATE_OFFSET);
        return state == ConsumerSlotLayout.MEMBER || state == ConsumerSlotLayout.ORPHANED ?
            buffer.getInt(offset + ConsumerSlotLayout.GROUP_SLOT_OFFSET) : -1;
    }

    /**
     * @return where the claim of the group member or orphaned claim in {@code slot} ends.
     */
    public long memberClaimEnd(final int slot)
    {
        return buffer.getLongVolatile(checkedSlotOffset(slot) + ConsumerSlotLayout.CLAIM_END_OFFSET);
    }

    /**
     * @return how many unfinished claims of the group in {@code slot} wait for a member to adopt them.
     */
    public int groupOrphans(final int slot)
    {
        return buffer.getIntVolatile(checkedSlotOffset(slot) + ConsumerSlotLayout.ORPHANS_OFFSET);
    }

    /**
     * @return how many consumer slots are held: by live consumers, evicted ones that have not left, and
     *         dead ones not reaped yet. A consumer counts from the moment its join completes.
     */
    public int heldSlots()
    {
        int held = 0;
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            if (buffer.getIntVolatile(geometry.slotOffset(slot) + ConsumerSlotLayout.STATE_OFFSET) != ConsumerSlotLayout.FREE)
            {
                held++;
            }
        }
        return held;
    }

    /**
     * @return the name of the consumer in {@code slot}, or {@code null} for an anonymous or free slot.
     */
    public String consumerName(final int slot)
    {
        final int offset = checkedSlotOffset(slot);
        final int length = buffer.getInt(offset + ConsumerSlotLayout.NAME_LENGTH_OFFSET);
        if (length <= 0 || length > ConsumerSlotLayout.MAX_NAME_LENGTH ||
            buffer.getIntVolatile(offset + ConsumerSlotLayout.STATE_OFFSET) == ConsumerSlotLayout.FREE)
        {
            return null;
        }
        return buffer.getStringWithoutLengthUtf8(offset + ConsumerSlotLayout.NAME_OFFSET, length);
    }

    /**
     * @return the state of {@code slot} as {@code docs/format.md} names it: FREE, ACTIVE, EVICTED, DORMANT
     *         (a named consumer nobody holds), LAPPED (one the producer went past while it was away), GROUP
     *         (a consumer group), MEMBER (a live member of one) or ORPHANED (a member's unfinished claim).
     */
    public String consumerState(final int slot)
    {
        final int state = buffer.getIntVolatile(checkedSlotOffset(slot) + ConsumerSlotLayout.STATE_OFFSET);
        return switch (state)
        {
            case ConsumerSlotLayout.FREE -> "FREE";
            case ConsumerSlotLayout.ACTIVE -> "ACTIVE";
            case ConsumerSlotLayout.EVICTED -> "EVICTED";
            case ConsumerSlotLayout.DORMANT -> "DORMANT";
            case ConsumerSlotLayout.LAPPED -> "LAPPED";
            case ConsumerSlotLayout.GROUP -> "GROUP";
            case ConsumerSlotLayout.MEMBER -> "MEMBER";
            case ConsumerSlotLayout.ORPHANED -> "ORPHANED";
            default -> "corrupt state " + state;
        };
    }

    /**
     * @return true if the consumer in {@code slot} was evicted by the producer for lagging too far and has
     *         not left yet.
     */
    public boolean consumerEvicted(final int slot)
    {
        return buffer.getIntVolatile(checkedSlotOffset(slot) + ConsumerSlotLayout.STATE_OFFSET) == ConsumerSlotLayout.EVICTED;
    }

    /**
     * @return 0 if the producer waits for every consumer, else the lag in bytes past which it evicts one.
     */
    public long evictionLag()
    {
        return geometry.evictionLag();
    }

    public int capacity()
    {
        return geometry.capacity();
    }

    public int maxMessageLength()
    {
        return geometry.maxMessageLength();
    }

    public SlowConsumerPolicy slowConsumerPolicy()
    {
        return 0 == geometry.evictionLag() ?
            SlowConsumerPolicy.block() : SlowConsumerPolicy.evictAfterLag(geometry.evictionLag());
    }

    /**
     * @return the id the queue's creator drew (see {@link MessageQueue#creationId()}), or
     *         {@link MessageQueue#NO_CREATION_ID} for a file of a format before it.
     */
    public long creationId()
    {
        // Bytes 0 to 63 never change after creation: plain reads see the creator's values. Before
        // version 7 the id's bytes were reserved and mean nothing.
        return buffer.getInt(HeaderLayout.VERSION_OFFSET) < HeaderLayout.CREATION_ID_VERSION ?
            MessageQueue.NO_CREATION_ID : buffer.getLong(HeaderLayout.CREATION_ID_OFFSET);
    }

    /**
     * @return true if some consumer has asked to be woken and the producer has not answered yet: it is
     *         asleep, or about to sleep, waiting for the next message.
     */
    public boolean consumerAwaitsWakeUp()
    {
        return buffer.getIntVolatile(HeaderLayout.WAKE_WANTED_OFFSET) != 0;
    }

    /**
     * @return true if the producer has asked to be woken at the current space signal: it is asleep, or
     *         about to sleep, on a full ring.
     */
    public boolean producerAwaitsSpace()
    {
        return buffer.getIntVolatile(HeaderLayout.SPACE_REQUEST_OFFSET) ==
            buffer.getIntVolatile(HeaderLayout.SPACE_SIGNAL_OFFSET);
    }

    public int formatVersion()
    {
        return buffer.getInt(HeaderLayout.VERSION_OFFSET);
    }

    /**
     * Whether the consumer in {@code slot} belongs to a live process, decided as reaping does: by the
     * slot's OS lock. A dead holder's slot stays taken until a producer or a joining consumer reaps it.
     * If the lock is free it is taken and released at once (shared, through a {@link QueueView}), which
     * can only make a joiner pick another slot or a reaper look again later. (The producer role has no
     * such probe: taking its lock even for an instant could refuse a producer that is starting.)
     */
    public boolean consumerAlive(final int slot)
    {
        checkedSlotOffset(slot);
        return heldByLiveProcess(LockId.slot(slot));
    }

    private boolean heldByLiveProcess(final LockId id)
    {
        final HeldLock lock = locks.tryLock(id);
        if (null == lock)
        {
            return true;
        }
        lock.release();
        return false;
    }

    /**
     * @return the process id of the producer that last took the role (informational).
     */
    public long producerPid()
    {
        return buffer.getLongVolatile(HeaderLayout.PRODUCER_PID_OFFSET);
    }

    /**
     * @return the process id recorded by the consumer in {@code slot} when it joined (informational).
     */
    public long consumerPid(final int slot)
    {
        return buffer.getLongVolatile(checkedSlotOffset(slot) + ConsumerSlotLayout.OWNER_PID_OFFSET);
    }

    /**
     * @return when the consumer in {@code slot} joined, in milliseconds since the epoch.
     */
    public long consumerJoinedAt(final int slot)
    {
        return buffer.getLongVolatile(checkedSlotOffset(slot) + ConsumerSlotLayout.JOINED_AT_OFFSET);
    }

    private int checkedSlotOffset(final int slot)
    {
        if (slot < 0 || slot >= geometry.consumerSlots())
        {
            throw new IllegalArgumentException("slot must be from 0 to " + (geometry.consumerSlots() - 1) + ": " + slot);
        }
        return geometry.slotOffset(slot);
    }
}
