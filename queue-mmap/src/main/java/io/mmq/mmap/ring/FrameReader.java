package io.mmq.mmap.ring;

import io.mmq.QueueFormatException;
import io.mmq.mmap.file.QueueFile;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.FrameLayout.HEADER_LENGTH;
import static io.mmq.mmap.layout.FrameLayout.TYPE_MESSAGE;
import static io.mmq.mmap.layout.FrameLayout.TYPE_AND_LAP_OFFSET;
import static io.mmq.mmap.layout.FrameLayout.lapBits;
import static io.mmq.mmap.layout.FrameLayout.TYPE_PADDING;
import static io.mmq.mmap.layout.FrameLayout.alignedLength;

/**
 * Checks a committed frame header before anyone acts on it. The file is shared with other processes and
 * may be damaged; a frame length is trusted only once it is shown to keep the reader inside the ring.
 */
final class FrameReader
{
    private final QueueFile file;
    private final UnsafeBuffer buffer;
    private final int ringOffset;
    private final int capacity;
    private final int mask;
    private final int maxFrameLength;
    private final int capacityShift;

    FrameReader(final QueueFile file)
    {
        this.file = file;
        this.buffer = file.buffer();
        this.ringOffset = file.geometry().ringOffset();
        this.capacity = file.geometry().capacity();
        this.mask = capacity - 1;
        this.maxFrameLength = file.geometry().maxFrameLength();
        this.capacityShift = Integer.numberOfTrailingZeros(capacity);
    }

    /**
     * @param position the frame's position.
     * @param frameLength its committed, non-zero frame length.
     * @return the frame type, {@code TYPE_MESSAGE} or {@code TYPE_PADDING}.
     * @throws QueueFormatException if the header is not one the producer could have written at
     *         {@code position}.
     */
    int checkedType(final long position, final int frameLength)
    {
        final int offset = (int)(position & mask);
        final int typeAndLap = buffer.getInt(ringOffset + offset + TYPE_AND_LAP_OFFSET);
        final int type = typeAndLap ^ lapBits(position, capacityShift);
        if (type == TYPE_MESSAGE)
        {
            if (frameLength < HEADER_LENGTH || frameLength > maxFrameLength ||
                offset + alignedLength(frameLength) > capacity)
            {
                throw corrupt(position, "message frame length " + frameLength + " is outside " + HEADER_LENGTH +
                    " to " + maxFrameLength + " or runs past the end of the ring");
            }
        }
        else if (type == TYPE_PADDING)
        {
            if (frameLength != capacity - offset)
            {
                throw corrupt(position, "padding frame length " + frameLength + " does not reach the end of the " +
                    "ring (" + (capacity - offset) + " bytes away)");
            }
        }
        else
        {
            throw corrupt(position, String.format(
                "type-and-lap word is 0x%08x, expected lap 0x%06x with type %d (message) or %d (padding): " +
                "a frame from another lap or not a frame at all; frame length %d",
                typeAndLap, (int)(position >>> capacityShift) & 0xFFFFFF, TYPE_MESSAGE, TYPE_PADDING, frameLength));
        }
        return type;
    }

    /**
     * @return how far the next frame is, after checking the frame as {@link #checkedType} does.
     */
    int checkedAlignedLength(final long position, final int frameLength)
    {
        checkedType(position, frameLength);
        return alignedLength(frameLength);
    }

    QueueFormatException corrupt(final long position, final String problem)
    {
        return new QueueFormatException(file.path(), "corrupt record at position " + position + ": " + problem);
    }
}
