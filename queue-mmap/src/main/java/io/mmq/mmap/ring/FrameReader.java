package io.mmq.mmap.ring;

import io.mmq.QueueFormatException;
import io.mmq.mmap.file.QueueFile;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.FrameLayout.HEADER_LENGTH;
import static io.mmq.mmap.layout.FrameLayout.TYPE_MESSAGE;
import static io.mmq.mmap.layout.FrameLayout.TYPE_OFFSET;
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

    FrameReader(final QueueFile file)
    {
        this.file = file;
        this.buffer = file.buffer();
        this.ringOffset = file.geometry().ringOffset();
        this.capacity = file.geometry().capacity();
        this.mask = capacity - 1;
        this.maxFrameLength = file.geometry().maxFrameLength();
    }

    /**
     * @param position the frame's position.
     * @param frameLength its committed, non-zero frame length.
     * @return how far the next frame is: the aligned frame length.
     * @throws QueueFormatException if the header is not one the producer could have written.
     */
    int checkedAlignedLength(final long position, final int frameLength)
    {
        final int offset = (int)(position & mask);
        final int type = buffer.getInt(ringOffset + offset + TYPE_OFFSET);
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
            throw corrupt(position, "frame type " + type + " is neither message (" + TYPE_MESSAGE +
                ") nor padding (" + TYPE_PADDING + "); frame length " + frameLength);
        }
        return alignedLength(frameLength);
    }

    QueueFormatException corrupt(final long position, final String problem)
    {
        return new QueueFormatException(file.path(), "corrupt record at position " + position + ": " + problem);
    }
}
