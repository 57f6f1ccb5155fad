package io.mmq.mmap.ring;

import java.lang.invoke.VarHandle;

import io.mmq.QueueFormatException;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.layout.FrameLayout;
import io.mmq.mmap.os.WakeSignal;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.HeaderLayout.JOIN_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.PRODUCER_POSITION_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.SPACE_REQUEST_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.SPACE_SIGNAL_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.WAKE_SIGNAL_OFFSET;
import static io.mmq.mmap.layout.HeaderLayout.WAKE_WANTED_OFFSET;

/**
 * The consumer's halves of the protocols it shares with the producer, for every kind of reader (a
 * consumer, a group member): reading a start position, settling after joining, sleeping until a frame
 * is published, and waking a producer that sleeps on a full ring.
 */
final class ConsumerProtocol
{
    private final QueueFile file;
    private final UnsafeBuffer buffer;
    private final int ringOffset;
    private final int mask;
    private final int capacity;
    /** Idle readers sleep on it; the producer wakes them. */
    private final WakeSignal wakeSignal;
    /** A producer blocked on a full ring sleeps on it; readers wake it after making room. */
    private final WakeSignal producerWake;

    ConsumerProtocol(final QueueFile file)
    {
        this.file = file;
        this.buffer = file.buffer();
        this.ringOffset = file.geometry().ringOffset();
        this.capacity = file.geometry().capacity();
        this.mask = capacity - 1;
        this.wakeSignal = file.coordination().newWakeSignal(WAKE_SIGNAL_OFFSET, "wake");
        this.producerWake = file.coordination().newWakeSignal(SPACE_SIGNAL_OFFSET, "space");
    }

    /**
     * Reads a start position (the producer or the join position) from the header, which any process could
     * have damaged: it must be a frame boundary (a multiple of 8) within the ring's reach of the producer,
     * or reading from it could leave the ring.
     */
    long readStart(final int headerOffset)
    {
        // The producer position before and after the start: a thread descheduled between the reads would
        // otherwise see a healthy start more than a ring behind a newer producer position.
        final long producerBefore = buffer.getLongVolatile(PRODUCER_POSITION_OFFSET);
        final long position = buffer.getLongVolatile(headerOffset);
        final long producerAfter = buffer.getLongVolatile(PRODUCER_POSITION_OFFSET);
        if (position < 0 || (position & (FrameLayout.ALIGNMENT - 1)) != 0 || position > producerAfter ||
            producerBefore - position > capacity)
        {
            throw new QueueFormatException(file.path(), "corrupt header: start position " + position +
                " is not a frame boundary within one ring (" + capacity + " bytes) behind the producer position " +
                producerAfter);
        }
        return position;
    }

    /**
     * The joining half of the protocol in {@code MappedProducer.refreshLimit}: with a position stored
     * (volatile) at {@code positionOffset}, read the join position (volatile). If the producer has moved it
     * past us, it may reuse our bytes without having seen us, so move up to it and check again. Once the
     * join position is at or below ours, the producer will see our slot before it reuses our position.
     *
     * @return the position settled at.
     */
    long settle(final int positionOffset, final long joinedAt)
    {
        long position = joinedAt;
        long join;
        while ((join = readStart(JOIN_POSITION_OFFSET)) > position)
        {
            position = join;
            buffer.putLongVolatile(positionOffset, position);
        }
        return position;
    }

    /** @return true if no frame is published at {@code position} yet. */
    boolean nothingAt(final long position)
    {
        return buffer.getIntVolatile(ringOffset + (int)(position & mask)) == 0;
    }

    /**
     * The consumer half of the wake-up protocol: read the signal, set the wake-wanted flag, fence, then
     * look once more for a frame at {@code position} before sleeping on the signal. The producer commits a
     * frame, fences, then looks at the flag: either it sees the flag and wakes us (or has already moved the
     * signal, so our sleep returns at once), or we see its frame and do not sleep. A flag left set by a
     * reader that found a frame after all costs the producer one spare wake-up.
     */
    void sleepUntilPublished(final long position, final long timeoutNanos)
    {
        final int signal = buffer.getIntVolatile(WAKE_SIGNAL_OFFSET);
        buffer.putIntVolatile(WAKE_WANTED_OFFSET, 1);
        VarHandle.fullFence();
        if (nothingAt(position))
        {
            wakeSignal.await(signal, timeoutNanos);
        }
    }

    /**
     * The reader half of waiting for room (see {@code MappedProducer.sleepUntilSpace}): with a new
     * position stored, fence, then wake the producer if it asked to be woken at the current space signal.
     * One reader moves the signal on; the others then find the request answered and make no call.
     */
    void wakeProducerIfAsleep()
    {
        VarHandle.fullFence();
        final int request = buffer.getIntVolatile(SPACE_REQUEST_OFFSET);
        if (request == buffer.getIntVolatile(SPACE_SIGNAL_OFFSET) &&
            buffer.compareAndSetInt(SPACE_SIGNAL_OFFSET, request, request + 1))
        {
            producerWake.wakeAll(request);
        }
    }
}
