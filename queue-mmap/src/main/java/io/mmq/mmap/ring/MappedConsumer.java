package io.mmq.mmap.ring;

import io.mmq.Consumer;
import io.mmq.MessageHandler;
import io.mmq.QueueBusyException;
import io.mmq.QueueFormatException;
import io.mmq.StartPosition;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.file.QueueGeometry;
import io.mmq.mmap.layout.FrameLayout;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.ConsumerSlotLayout.ACTIVE;
import static io.mmq.mmap.layout.ConsumerSlotLayout.FREE;
import static io.mmq.mmap.layout.ConsumerSlotLayout.JOINED_AT_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.OWNER_PID_OFFSET;
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
    private final QueueFile file;
    private final UnsafeBuffer buffer;
    private final FrameReader frames;
    private final int ringOffset;
    private final int mask;
    private final int capacity;
    private final int slot;
    private final int slotPositionOffset;
    private final Runnable onClose;
    private long position;
    private boolean closed;

    /**
     * Claims a free slot and joins at {@code start}.
     *
     * @throws QueueBusyException if every slot is taken.
     */
    public MappedConsumer(final QueueFile file, final StartPosition start, final Runnable onClose)
    {
        this.file = file;
        this.onClose = onClose;
        final QueueGeometry geometry = file.geometry();
        this.buffer = file.buffer();
        this.frames = new FrameReader(file);
        this.ringOffset = geometry.ringOffset();
        this.mask = geometry.capacity() - 1;
        this.capacity = geometry.capacity();

        this.slot = file.withSlotTableLock(() -> claimSlot(geometry, start));
        this.slotPositionOffset = geometry.slotOffset(slot) + POSITION_OFFSET;
        this.position = settle(buffer.getLongVolatile(slotPositionOffset));
    }

    private int claimSlot(final QueueGeometry geometry, final StartPosition start)
    {
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            final int offset = geometry.slotOffset(slot);
            if (buffer.getIntVolatile(offset + STATE_OFFSET) == FREE)
            {
                final long position = checkedStart(buffer.getLongVolatile(
                    start == StartPosition.LATEST ? PRODUCER_POSITION_OFFSET : JOIN_POSITION_OFFSET));
                buffer.putLong(offset + OWNER_PID_OFFSET, ProcessHandle.current().pid());
                buffer.putLong(offset + JOINED_AT_OFFSET, System.currentTimeMillis());
                buffer.putLongVolatile(offset + POSITION_OFFSET, position);
                buffer.putIntVolatile(offset + STATE_OFFSET, ACTIVE);
                return slot;
            }
        }
        throw new QueueBusyException(file.path(), "all " + geometry.consumerSlots() +
            " consumer slots are in use; close a consumer or create the queue with more slots");
    }

    /**
     * The joining half of the protocol in {@code MappedProducer.refreshLimit}: with our position stored
     * (volatile), read the join position (volatile). If the producer has moved it past us, it may reuse
     * our bytes without having seen us, so move up to it and check again. Once the join position is at or
     * below ours, the producer will see our slot before it reuses our position.
     */
    private long settle(final long joinedAt)
    {
        long position = joinedAt;
        long join;
        while ((join = buffer.getLongVolatile(JOIN_POSITION_OFFSET)) > position)
        {
            position = checkedStart(join);
            buffer.putLongVolatile(slotPositionOffset, position);
        }
        return position;
    }

    /**
     * A start position comes from the header, which any process could have damaged: it must be a frame
     * boundary (a multiple of 8) within the ring's reach of the producer, or reading from it could leave
     * the ring.
     */
    private long checkedStart(final long position)
    {
        final long producerPosition = buffer.getLongVolatile(PRODUCER_POSITION_OFFSET);
        if (position < 0 || (position & (FrameLayout.ALIGNMENT - 1)) != 0 || position > producerPosition ||
            producerPosition - position > capacity)
        {
            throw new QueueFormatException(file.path(), "corrupt header: start position " + position +
                " is not a frame boundary within one ring (" + capacity + " bytes) behind the producer position " +
                producerPosition);
        }
        return position;
    }

    @Override
    public int poll(final MessageHandler handler, final int limit)
    {
        if (closed)
        {
            throw new IllegalStateException(file.path() + ": consumer is closed");
        }
        final UnsafeBuffer buffer = this.buffer;
        final long initialPosition = position;
        long position = initialPosition;
        int delivered = 0;
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
                final int type = frames.checkedType(position, frameLength);
                position += alignedLength(frameLength);
                if (type == TYPE_MESSAGE)
                {
                    delivered++;
                    handler.onMessage(buffer, index + HEADER_LENGTH, frameLength - HEADER_LENGTH);
                }
            }
        }
        finally
        {
            if (position != initialPosition)
            {
                this.position = position;
                buffer.putLongOrdered(slotPositionOffset, position);
            }
        }
        return delivered;
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
        closed = true;
        buffer.putIntOrdered(file.geometry().slotOffset(slot) + STATE_OFFSET, FREE);
        onClose.run();
    }
}
