package io.mmq.mmap.ring;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.mmq.Consumer;
import io.mmq.ConsumerEvictedException;
import io.mmq.ConsumerLappedException;
import io.mmq.ConsumerOptions;
import io.mmq.MessageHandler;
import io.mmq.QueueFormatException;
import io.mmq.StartPosition;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.file.QueueGeometry;
import io.mmq.mmap.layout.FrameLayout;
import io.mmq.mmap.liveness.ConsumerSlots;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.ConsumerSlotLayout.ACTIVE;
import static io.mmq.mmap.layout.ConsumerSlotLayout.POSITION_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.STATE_OFFSET;
import static io.mmq.mmap.layout.FrameLayout.HEADER_LENGTH;
import static io.mmq.mmap.layout.FrameLayout.TYPE_MESSAGE;
import static io.mmq.mmap.layout.FrameLayout.alignedLength;
import static io.mmq.mmap.layout.HeaderLayout.JOIN_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.PRODUCER_POSITION_OFFSET;

/**
 * A consumer of a mapped queue: it holds one slot of the consumer table and reads frames from its
 * position onwards, publishing its progress in the slot so the producer may reuse what it has read.
 */
public final class MappedConsumer implements Consumer
{
    /** How long a blocking poll spins before it sleeps in the kernel. */
    static final long SPIN_BEFORE_SLEEP_NANOS = 5000;

    /**
     * A sleep is cut to this (100 ms unless the system property {@value #MAX_SLEEP_PROPERTY} gives other
     * milliseconds), then the consumer looks again: a producer that cannot wake it (one without a native
     * waker) or that died between publishing and waking delays a message by at most this much.
     */
    public static final String MAX_SLEEP_PROPERTY = "mmq.consumerMaxSleepMillis";
    static final long MAX_SLEEP_NANOS = Math.max(1, Long.getLong(MAX_SLEEP_PROPERTY, 100)) * 1_000_000L;

    private final QueueFile file;
    private final UnsafeBuffer buffer;
    private final FrameReader frames;
    private final int ringOffset;
    private final int mask;
    private final int capacity;
    private final int slot;
    private final int slotPositionOffset;
    private final int slotStateOffset;
    /** Whether the queue's policy lets the producer evict this consumer (fixed when the file was made). */
    private final boolean evictable;
    private final long evictionLag;
    private final Runnable onClose;
    private final ConsumerSlots slots;
    private final ConsumerSlots.Claim claim;
    private final ConsumerProtocol protocol;
    /** Whether {@link #poll} leaves storing the position to {@link #commit()}. */
    private final boolean explicitCommit;
    private long position;
    /** True while {@link #deliver} runs: a commit asked for by a handler waits until the handler returns. */
    private boolean delivering;
    /** A handler asked to commit; done once it has returned and the message proved intact. */
    private boolean commitRequested;
    /** Thrown by the first poll of a named consumer that came back lapped, then cleared. */
    private ConsumerLappedException lapped;
    private boolean closed;

    /**
     * Claims a free slot and joins at {@code start}, as an anonymous consumer.
     *
     * @throws io.mmq.QueueBusyException if every slot is held by a live consumer.
     */
    public MappedConsumer(final QueueFile file, final StartPosition start, final Runnable onClose)
    {
        this(file, start, null, onClose);
    }

    /**
     * Opens the named consumer of {@code options}: resumes at its stored position, or joins at the
     * options' start if the name is new.
     *
     * @throws io.mmq.ConsumerNameTakenException if a live process holds the name.
     * @throws io.mmq.QueueBusyException if the name is new and every slot is held.
     */
    public MappedConsumer(final QueueFile file, final ConsumerOptions options, final Runnable onClose)
    {
        this(file, options.start(), options, onClose);
    }

    private MappedConsumer(
        final QueueFile file, final StartPosition start, final ConsumerOptions named, final Runnable onClose)
    {
        this.file = file;
        this.onClose = onClose;
        final QueueGeometry geometry = file.geometry();
        this.buffer = file.buffer();
        this.frames = new FrameReader(file);
        this.ringOffset = geometry.ringOffset();
        this.mask = geometry.capacity() - 1;
        this.capacity = geometry.capacity();

        this.slots = new ConsumerSlots(file);
        this.protocol = new ConsumerProtocol(file);
        final LongSupplier startPosition = () -> protocol.readStart(
            start == StartPosition.LATEST ? PRODUCER_POSITION_OFFSET : JOIN_POSITION_OFFSET);
        this.claim = null == named ? slots.claim(startPosition) :
            slots.claimNamed(named.name(), named.absence() == ConsumerOptions.Absence.LET_PRODUCER_LAP, startPosition);
        this.explicitCommit = null != named && named.commit() == ConsumerOptions.Commit.EXPLICIT;
        this.slot = claim.slot();
        this.slotPositionOffset = geometry.slotOffset(slot) + POSITION_OFFSET;
        this.slotStateOffset = geometry.slotOffset(slot) + STATE_OFFSET;
        this.evictionLag = geometry.evictionLag();
        this.evictable = 0 != evictionLag;
        try
        {
            final long stored = buffer.getLongVolatile(slotPositionOffset);
            this.position = protocol.settle(slotPositionOffset, claim.resumed() ? checkedResumePosition(stored) : stored);
            if (claim.resumed() && position != stored)
            {
                // The producer went past this name while it was away: its bytes may have been reused.
                lapped = new ConsumerLappedException(file.path(), claim.name(), stored, position);
            }
        }
        catch (final RuntimeException ex)
        {
            slots.release(claim);
            throw ex;
        }
        // Settling may have moved our position up past what a sleeping producer waits for.
        protocol.wakeProducerIfAsleep();
    }

    /**
     * A named consumer's stored position: a frame boundary at or before the producer's, possibly more
     * than a ring behind it (then it was lapped, and settling moves it up to the join position).
     */
    private long checkedResumePosition(final long position)
    {
        // Up to a ring past the header's producer position: a producer that died between committing frames
        // and storing its position leaves committed frames a consumer may have read past.
        final long producerPosition = buffer.getLongVolatile(PRODUCER_POSITION_OFFSET);
        if (position < 0 || (position & (FrameLayout.ALIGNMENT - 1)) != 0 || position - producerPosition > capacity)
        {
            throw new QueueFormatException(file.path(), "corrupt consumer slot " + slot + ": the stored position " +
                position + " of '" + claim.name() + "' is not a frame boundary within a ring past the producer position " +
                producerPosition);
        }
        return position;
    }

    /**
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
            throw new IllegalStateException(file.path() + ": consumer is closed");
        }
        if (file.isTruncated())
        {
            throw file.truncation();
        }
        if (null != lapped)
        {
            final ConsumerLappedException notice = lapped;
            lapped = null;
            throw notice;
        }
        if (evictable && isEvicted())
        {
            throw evictedAt(position);
        }
        final UnsafeBuffer buffer = this.buffer;
        final long initialPosition = position;
        long position = initialPosition;
        int delivered = 0;
        delivering = true;
        try
        {
            while (delivered < limit)
            {
                final int index = ringOffset + (int)(position & mask);
                final int frameLength = buffer.getIntVolatile(index);
                if (frameLength == 0)
                {
                    break;
                }
                final int type = checkedType(position, frameLength);
                final long frameStart = position;
                position += alignedLength(frameLength);
                this.position = position; // what position() and commit() mean inside the handler
                if (type == TYPE_MESSAGE)
                {
                    delivered++;
                    handler.onMessage(buffer, index + HEADER_LENGTH, frameLength - HEADER_LENGTH);
                    if (evictable && isEvicted())
                    {
                        position = frameStart; // the handler may have read bytes the producer was overwriting
                        commitRequested = false;
                        throw evictedAt(frameStart);
                    }
                    if (commitRequested)
                    {
                        commitRequested = false;
                        storeCommit();
                    }
                }
            }
        }
        finally
        {
            delivering = false;
            if (commitRequested)
            {
                // The handler committed, then threw: its message counts as read, so the commit stands.
                commitRequested = false;
                storeCommit();
            }
            if (position != initialPosition)
            {
                this.position = position;
                if (!explicitCommit)
                {
                    buffer.putLongOrdered(slotPositionOffset, position);
                    protocol.wakeProducerIfAsleep();
                }
            }
        }
        return delivered;
    }

    /**
     * A frame that fails its checks is corruption, unless this consumer was evicted: then the producer
     * may simply have overwritten it, and eviction is what to report.
     */
    private int checkedType(final long position, final int frameLength)
    {
        try
        {
            return frames.checkedType(position, frameLength);
        }
        catch (final QueueFormatException corrupt)
        {
            if (evictable && isEvicted())
            {
                throw evictedAt(position);
            }
            throw corrupt;
        }
    }

    /**
     * Whether the producer has evicted this consumer. The fence keeps every read of the message before
     * it (the handler's too) ahead of the read of the state: the producer evicts before it overwrites,
     * so a state still ACTIVE here proves the message was intact while it was read.
     */
    private boolean isEvicted()
    {
        VarHandle.loadLoadFence();
        // Anything but ACTIVE: EVICTED, or a slot reaped from under a live holder, which nothing protects either.
        return buffer.getIntVolatile(slotStateOffset) != ACTIVE;
    }

    private ConsumerEvictedException evictedAt(final long position)
    {
        return new ConsumerEvictedException(file.path(), slot, evictionLag, position);
    }

    /**
     * @throws io.mmq.QueueTruncatedException if another process cut the file while it was mapped.
     */
    @Override
    public int poll(final MessageHandler handler, final int limit, final long timeout, final TimeUnit unit)
    {
        try
        {
            return deliverWithin(handler, limit, timeout, unit);
        }
        catch (final InternalError fault)
        {
            throw file.explainFault(fault);
        }
    }

    private int deliverWithin(final MessageHandler handler, final int limit, final long timeout, final TimeUnit unit)
    {
        int delivered = deliver(handler, limit);
        if (delivered > 0)
        {
            return delivered;
        }
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        // Spin briefly first: a message that follows within microseconds is taken without either side
        // paying for a sleep and a wake-up, which is what keeps a busy stream at full speed.
        final long spinUntil = System.nanoTime() + Math.min(SPIN_BEFORE_SLEEP_NANOS, unit.toNanos(timeout));
        while (protocol.nothingAt(position) && System.nanoTime() - spinUntil < 0)
        {
            Thread.onSpinWait();
        }
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted())
        {
            if (protocol.nothingAt(position))
            {
                protocol.sleepUntilPublished(position, Math.min(left, MAX_SLEEP_NANOS));
            }
            if ((delivered = deliver(handler, limit)) > 0)
            {
                return delivered;
            }
        }
        return 0;
    }

    /**
     * Stores the position for an explicitly committing named consumer (ordered: every read of the
     * messages before it happens first), and wakes a producer that waits for the room. Called inside a
     * handler, it commits the message being handled and those before it, but only once the handler has
     * returned: the stored position is what protects the message's bytes from the producer.
     */
    @Override
    public void commit()
    {
        if (closed)
        {
            throw new IllegalStateException(file.path() + ": consumer is closed");
        }
        if (delivering)
        {
            commitRequested = explicitCommit;
            return;
        }
        storeCommit();
    }

    private void storeCommit()
    {
        if (explicitCommit && buffer.getLong(slotPositionOffset) != position)
        {
            buffer.putLongOrdered(slotPositionOffset, position);
            protocol.wakeProducerIfAsleep();
        }
    }

    @Override
    public long position()
    {
        return position;
    }

    @Override
    public long lag()
    {
        return buffer.getLongVolatile(PRODUCER_POSITION_OFFSET) - position;
    }

    @Override
    public int slot()
    {
        return slot;
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
        if (!file.isTruncated())
        {
            try
            {
                slots.release(claim); // if this throws, the consumer stays open and close() can be retried
            }
            catch (final InternalError fault)
            {
                file.explainFault(fault);
            }
        }
        if (file.isTruncated())
        {
            closed = true; // the slot went with the file; give back what the OS holds for it
            claim.lock().release();
            onClose.run();
            throw file.truncation();
        }
        closed = true;
        try
        {
            protocol.wakeProducerIfAsleep(); // a consumer leaving may be all the producer waits for
        }
        finally
        {
            onClose.run();
        }
    }
}
