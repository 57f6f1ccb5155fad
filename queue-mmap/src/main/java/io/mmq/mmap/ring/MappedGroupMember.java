package io.mmq.mmap.ring;

import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.GroupOptions;
import io.mmq.MessageHandler;
import io.mmq.QueueFormatException;
import io.mmq.StartPosition;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.file.QueueGeometry;
import io.mmq.mmap.liveness.ConsumerSlots;
import io.mmq.mmap.os.HeldLock;
import io.mmq.mmap.os.LockId;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.ConsumerSlotLayout.CLAIM_END_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.CURSOR_LOCKED_BIT;
import static io.mmq.mmap.layout.ConsumerSlotLayout.CURSOR_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.NO_CLAIM;
import static io.mmq.mmap.layout.ConsumerSlotLayout.ORPHANS_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.POSITION_OFFSET;
import static io.mmq.mmap.layout.FrameLayout.ALIGNMENT;
import static io.mmq.mmap.layout.FrameLayout.HEADER_LENGTH;
import static io.mmq.mmap.layout.FrameLayout.TYPE_MESSAGE;
import static io.mmq.mmap.layout.FrameLayout.alignedLength;
import static io.mmq.mmap.layout.HeaderLayout.JOIN_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.PRODUCER_POSITION_OFFSET;

/**
 * A member of a consumer group: it holds a slot of its own (its proof of life, and the record of its
 * claim) and takes its share of the group's stream a batch at a time.
 *
 * <p><b>Claiming.</b> The group's slot keeps a Cursor: the first position no member has claimed. A
 * member with no claim stores the Cursor it read as its own Position (volatile), reads the Cursor again
 * to confirm it has not moved, walks up to a batch of published frames from there, stores where they end
 * as its Claim End, and moves the Cursor to that end with one compare-and-swap. From the store of its
 * Position on, the member's slot holds the producer back at the claim, and before it, the group's Cursor
 * did; so no byte of a claim is reused before the member has handled it. Members race only on the
 * Cursor, lock-free. A member that cannot compare-and-swap (the Python reader) claims under the group's
 * claim lock, with the Cursor's bit 0 set meanwhile; a Java member that finds the bit set waits, and if it
 * can take the claim lock, that claimer died and it clears the bit.
 *
 * <p><b>Handling.</b> The member stores its Position past each message once its handler has returned,
 * and {@code NO_CLAIM} when the claim is done. A member that dies (or closes) in the middle of a claim
 * leaves its slot ORPHANED, with the rest of the claim, and the next member of the group without a
 * claim of its own adopts it. So a message is handled by exactly one member, except the one a member was
 * handling when it died: its handler may have run, and the adopter runs it again.
 *
 * <p>Memory ordering: the producer's actions before publishing a message happen-before the handling of
 * that message by whichever member handles it. A member is not thread-safe: use it from one thread.
 */
public final class MappedGroupMember implements Consumer
{
    /**
     * A member looks for dead members at most this often when it claims (10 ms unless the system property
     * {@value MappedProducer#REAP_INTERVAL_PROPERTY} gives other milliseconds), so that a dead member's
     * claim is handed on even when the producer is not held back by it.
     */
    static final long REAP_INTERVAL_NANOS = MappedProducer.REAP_INTERVAL_NANOS;

    /** Spins on a Cursor locked by a claimer without compare-and-swap before checking that it lives. */
    private static final int LOCKED_CURSOR_SPINS = 1_000;

    /** How long one claim attempt waits for a claimer without compare-and-swap to move the Cursor. */
    private static final long LOCKED_CURSOR_WAIT_NANOS = 1_000_000;

    private final QueueFile file;
    private final UnsafeBuffer buffer;
    private final FrameReader frames;
    private final ConsumerProtocol protocol;
    private final ConsumerSlots slots;
    private final ConsumerSlots.MemberClaim claim;
    private final Runnable onClose;
    private final int ringOffset;
    private final int mask;
    private final int capacity;
    private final int batch;
    private final int positionOffset;
    private final int claimEndOffset;
    private final int cursorOffset;
    private final int orphansOffset;

    /** The next position of this member's claim to handle; equal to {@link #claimEnd} when it has none. */
    private long position = NO_CLAIM;
    private long claimEnd = NO_CLAIM;
    /** What the slot's Position says, so a poll stores only what moved. */
    private long storedPosition = NO_CLAIM;
    private long lastReapNanos;
    private boolean closed;

    /**
     * Joins the group of {@code options}, creating it at the options' start if it does not exist.
     *
     * @throws io.mmq.QueueBusyException if no slot is free.
     */
    public MappedGroupMember(final QueueFile file, final GroupOptions options, final Runnable onClose)
    {
        this.file = file;
        this.onClose = onClose;
        final QueueGeometry geometry = file.geometry();
        this.buffer = file.buffer();
        this.frames = new FrameReader(file);
        this.protocol = new ConsumerProtocol(file);
        this.slots = new ConsumerSlots(file);
        this.ringOffset = geometry.ringOffset();
        this.capacity = geometry.capacity();
        this.mask = capacity - 1;
        this.batch = options.batch();
        final int startOffset = options.start() == StartPosition.LATEST ? PRODUCER_POSITION_OFFSET : JOIN_POSITION_OFFSET;
        this.claim = slots.claimMember(options.group(), () -> protocol.readStart(startOffset), protocol::settle);
        this.positionOffset = geometry.slotOffset(claim.slot()) + POSITION_OFFSET;
        this.claimEndOffset = geometry.slotOffset(claim.slot()) + CLAIM_END_OFFSET;
        this.cursorOffset = geometry.slotOffset(claim.groupSlot()) + CURSOR_OFFSET;
        this.orphansOffset = geometry.slotOffset(claim.groupSlot()) + ORPHANS_OFFSET;
    }

    /**
     * Handles up to {@code limit} messages of this member's share: the rest of its claim, then new claims
     * (an orphaned claim of the group first). Each message's progress is stored once its handler returns;
     * a message whose handler throws counts as handled.
     *
     * @throws io.mmq.QueueTruncatedException if another process cut the file while it was mapped.
     */
    @Override
    public int poll(final MessageHandler handler, final int limit)
    {
        try
        {
            return deliver(handler, limit);
        }
        catch (final InternalError fault)
        {
            throw file.explainFault(fault);
        }
    }

    private int deliver(final MessageHandler handler, final int limit)
    {
        if (closed)
        {
            throw new IllegalStateException(file.path() + ": group member is closed");
        }
        if (file.isTruncated())
        {
            throw file.truncation();
        }
        final UnsafeBuffer buffer = this.buffer;
        int delivered = 0;
        try
        {
            while (delivered < limit)
            {
                if (position == claimEnd)
                {
                    if (storedPosition != NO_CLAIM)
                    {
                        storeProgress(); // an adopted claim that had nothing left in it
                    }
                    if (!claimWork())
                    {
                        break;
                    }
                    continue; // an adopted claim may be empty
                }
                final long framePosition = position;
                final int index = ringOffset + (int)(framePosition & mask);
                final int frameLength = buffer.getIntVolatile(index);
                if (frameLength == 0)
                {
                    throw frames.corrupt(framePosition, "a claimed frame is not committed (claim ends at " + claimEnd + ")");
                }
                final int type = frames.checkedType(framePosition, frameLength);
                final long next = framePosition + alignedLength(frameLength);
                if (next > claimEnd)
                {
                    throw frames.corrupt(framePosition, "the frame runs past the end of its claim at " + claimEnd);
                }
                position = next; // what position() means inside the handler
                if (type == TYPE_MESSAGE)
                {
                    delivered++;
                    handler.onMessage(buffer, index + HEADER_LENGTH, frameLength - HEADER_LENGTH);
                    if (closed)
                    {
                        break; // closed by the handler: the slot, and what is left of the claim, are not ours
                    }
                }
                storeProgress();
            }
        }
        finally
        {
            if (!closed && storedPosition != (position == claimEnd ? NO_CLAIM : position))
            {
                storeProgress(); // a handler threw: its message counts as handled
            }
            if (delivered > 0)
            {
                protocol.wakeProducerIfAsleep();
            }
        }
        return delivered;
    }

    /**
     * Stores how far this member got (ordered: every read of the handled messages happens first), or
     * {@code NO_CLAIM} once its claim is done, which stops it holding the producer back.
     */
    private void storeProgress()
    {
        final long progress = position == claimEnd ? NO_CLAIM : position;
        buffer.putLongOrdered(positionOffset, progress);
        storedPosition = progress;
    }

    /**
     * Takes the next claim: an orphaned one of the group if any, otherwise a batch from the Cursor.
     *
     * @return false if there is nothing to claim now.
     */
    private boolean claimWork()
    {
        if ((buffer.getIntVolatile(orphansOffset) > 0 || reapNowAndThen()) && adoptOrphan())
        {
            return true;
        }
        while (true)
        {
            final long cursor = buffer.getLongVolatile(cursorOffset);
            if ((cursor & CURSOR_LOCKED_BIT) != 0)
            {
                if (!awaitUnlocked(cursor))
                {
                    return false; // a claimer without compare-and-swap is still at it: try again later
                }
                continue;
            }
            if (cursor < 0 || (cursor & (ALIGNMENT - 1)) != 0)
            {
                throw new QueueFormatException(file.path(), "corrupt consumer slot " + claim.groupSlot() + ": group '" +
                    claim.group() + "' has cursor " + cursor + ", which is not a frame boundary");
            }
            if (protocol.nothingAt(cursor))
            {
                if (storedPosition != NO_CLAIM)
                {
                    buffer.putLongOrdered(positionOffset, NO_CLAIM); // an announcement that won nothing
                    storedPosition = NO_CLAIM;
                }
                return false;
            }
            if (storedPosition != NO_CLAIM)
            {
                buffer.putLongOrdered(positionOffset, NO_CLAIM); // a lost race: hold nothing while re-announcing
            }
            // Announce: from here our slot holds the producer at the cursor. Confirmed below, since the
            // producer may have gone past a cursor that another member moved on before our store. The
            // empty claim first: whenever Position is not NO_CLAIM, Claim End bounds what we may leave.
            buffer.putLongOrdered(claimEndOffset, cursor);
            buffer.putLongVolatile(positionOffset, cursor);
            storedPosition = cursor;
            if (buffer.getLongVolatile(cursorOffset) != cursor)
            {
                continue;
            }
            final long end = walkBatch(cursor);
            buffer.putLongOrdered(claimEndOffset, end); // before the claim is won: an orphan must know its end
            if (buffer.compareAndSetLong(cursorOffset, cursor, end))
            {
                position = cursor;
                claimEnd = end;
                return true;
            }
        }
    }

    /**
     * @return where a batch from {@code start} ends: after {@link #batch} messages, at the first frame
     *         not yet published, or a quarter of the ring on, whichever comes first.
     */
    private long walkBatch(final long start)
    {
        final long farthest = start + (capacity >> 2);
        long position = start;
        int messages = 0;
        while (messages < batch && position < farthest)
        {
            final int frameLength = buffer.getIntVolatile(ringOffset + (int)(position & mask));
            if (frameLength == 0)
            {
                break;
            }
            if (frames.checkedType(position, frameLength) == TYPE_MESSAGE)
            {
                messages++;
            }
            position += alignedLength(frameLength);
        }
        return position;
    }

    private boolean adoptOrphan()
    {
        if (!slots.tryAdoptOrphan(claim))
        {
            return false;
        }
        final long start = buffer.getLongVolatile(positionOffset);
        final long end = buffer.getLong(claimEndOffset);
        if (start < 0 || (start & (ALIGNMENT - 1)) != 0 || end < start || end - start > capacity ||
            (end & (ALIGNMENT - 1)) != 0)
        {
            throw new QueueFormatException(file.path(), "corrupt consumer slot: group '" + claim.group() +
                "' left an orphaned claim from " + start + " to " + end + ", which is not a range of frames");
        }
        position = start;
        claimEnd = end;
        storedPosition = start;
        return true;
    }

    /**
     * Looks for dead members at most every {@link #REAP_INTERVAL_NANOS}, busy or idle, so that a dead
     * member's claim is handed on whether or not the producer is held back by it.
     *
     * @return true if it was time to look: then an orphan is looked for too, whatever the group's Orphans
     *         count says (a reaper that died between its two stores may have left it short).
     */
    private boolean reapNowAndThen()
    {
        final long now = System.nanoTime();
        if (now - lastReapNanos < REAP_INTERVAL_NANOS)
        {
            return false;
        }
        lastReapNanos = now;
        slots.tryReapDead();
        return true;
    }

    /**
     * Waits, briefly, while a member without compare-and-swap claims under the group's claim lock (the
     * Cursor's bit 0 set). If the claim lock can be taken, no live member holds it, so the one that set
     * the bit died mid-claim, before moving the Cursor: clear the bit, which gives back the Cursor as it
     * was. (Holding the lock is what makes that safe: no claimer can be between setting the bit and
     * storing the new Cursor while we hold it.)
     *
     * @return false if the bit was still set after about {@link #LOCKED_CURSOR_WAIT_NANOS}: a live
     *         claimer is slow or stopped, and the poll returns rather than spin on.
     */
    private boolean awaitUnlocked(final long locked)
    {
        final long deadline = System.nanoTime() + LOCKED_CURSOR_WAIT_NANOS;
        int spins = 0;
        while (buffer.getLongVolatile(cursorOffset) == locked)
        {
            if (++spins < LOCKED_CURSOR_SPINS)
            {
                Thread.onSpinWait();
                continue;
            }
            spins = 0;
            final HeldLock lock = file.coordination().locks().tryLock(LockId.groupClaim(claim.groupSlot()));
            if (null != lock)
            {
                try
                {
                    buffer.compareAndSetLong(cursorOffset, locked, locked & ~CURSOR_LOCKED_BIT);
                }
                finally
                {
                    lock.release();
                }
                return true;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    /**
     * @throws io.mmq.QueueTruncatedException if another process cut the file while it was mapped.
     */
    @Override
    public int poll(final MessageHandler handler, final int limit, final long timeout, final TimeUnit unit)
    {
        try
        {
            int delivered = deliver(handler, limit);
            if (delivered > 0)
            {
                return delivered;
            }
            final long deadline = System.nanoTime() + unit.toNanos(timeout);
            final long spinUntil = System.nanoTime() + Math.min(MappedConsumer.SPIN_BEFORE_SLEEP_NANOS, unit.toNanos(timeout));
            while (nothingToClaim() && System.nanoTime() - spinUntil < 0)
            {
                Thread.onSpinWait();
            }
            long left;
            while ((left = deadline - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted())
            {
                if (nothingToClaim())
                {
                    // Cut like a consumer's sleep; each wake-up also looks for dead members' claims.
                    protocol.sleepUntilPublished(unclaimed(), Math.min(left, MappedConsumer.MAX_SLEEP_NANOS));
                }
                if ((delivered = deliver(handler, limit)) > 0)
                {
                    return delivered;
                }
            }
            return 0;
        }
        catch (final InternalError fault)
        {
            throw file.explainFault(fault);
        }
    }

    private boolean nothingToClaim()
    {
        final long cursor = buffer.getLongVolatile(cursorOffset);
        return (cursor & CURSOR_LOCKED_BIT) == 0 && buffer.getIntVolatile(orphansOffset) == 0 && protocol.nothingAt(cursor);
    }

    /** @return the group's Cursor without its lock bit: the first position no member has claimed. */
    private long unclaimed()
    {
        return buffer.getLongVolatile(cursorOffset) & ~CURSOR_LOCKED_BIT;
    }

    /** A group member's progress is stored after each handled message: there is nothing to commit. */
    @Override
    public void commit()
    {
        if (closed)
        {
            throw new IllegalStateException(file.path() + ": group member is closed");
        }
    }

    /**
     * @return the position of the next message of this member's claim, or, with no claim, the group's
     *         first unclaimed position.
     */
    @Override
    public long position()
    {
        return position == claimEnd ? unclaimed() : position;
    }

    /**
     * @return how many bytes of published messages no member of the group has claimed yet.
     */
    @Override
    public long lag()
    {
        return buffer.getLongVolatile(PRODUCER_POSITION_OFFSET) - unclaimed();
    }

    @Override
    public int slot()
    {
        return claim.slot();
    }

    /** @return the slot of this member's group. */
    public int groupSlot()
    {
        return claim.groupSlot();
    }

    /**
     * @return true if this member created its group rather than joining an existing one.
     */
    public boolean createdGroup()
    {
        return claim.created();
    }

    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Leaves the group. An unfinished claim is left ORPHANED, for another member (now or later) to finish
     * from the message after the last one handled. Safe to call twice.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (!file.isTruncated())
        {
            try
            {
                slots.releaseMember(claim);
            }
            catch (final InternalError fault)
            {
                file.explainFault(fault);
            }
        }
        closed = true;
        if (file.isTruncated())
        {
            claim.lock().release();
            onClose.run();
            throw file.truncation();
        }
        try
        {
            protocol.wakeProducerIfAsleep();
        }
        finally
        {
            onClose.run();
        }
    }
}
