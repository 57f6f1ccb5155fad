package io.mmq.mmap.layout;

/**
 * A record in the ring: an 8-byte header followed by the message, padded to a multiple of 8 bytes.
 * The Java twin of "Records" in {@code docs/format.md}.
 *
 * <pre>
 *  byte  +0      +1      +2      +3      +4      +5      +6      +7      +8 ...
 *       +-------------------------------+-------+-----------------------+-----------------
 *       |  Frame Length (i32, LE)       | Type  |  Lap (u24, LE)        | Message bytes ...
 *       +-------------------------------+-------+-----------------------+-----------------
 * </pre>
 *
 * <p>The second word holds the frame type in its low 8 bits and, above them, the low 24 bits of the
 * lap the frame was written in ({@code position >>> log2(capacity)}). A reader knows the position it
 * reads at, so a frame left from another lap, or bytes that were never a frame, fail the check instead of
 * being delivered; that bounds how far a damaged ring can lead a reader.
 *
 * <p>The frame length counts the header and the message, not the padding; the next frame starts at
 * {@link #alignedLength(int)} bytes further on. It is the commit word: the producer writes everything
 * else first and the frame length last, with an ordered store, and a reader that sees a non-zero frame
 * length with a volatile load sees the whole frame. Before committing a frame, the producer zeroes the
 * header of the frame that will follow it, so a reader that reaches the end of what was published finds
 * a zero there and never mistakes the previous lap's bytes for a new frame.
 */
public final class FrameLayout
{
    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_AND_LAP_OFFSET = 4;
    public static final int HEADER_LENGTH = 8;

    /** Every frame starts at a multiple of this, so the 4- and 8-byte header words are aligned. */
    public static final int ALIGNMENT = 8;

    /** A frame that carries a message. */
    public static final int TYPE_MESSAGE = 1;

    /** A frame that fills the rest of the ring when the next message would not fit before its end. */
    public static final int TYPE_PADDING = 2;

    private FrameLayout()
    {
    }

    /** The frame type is the low 8 bits of the type-and-lap word. */
    public static final int TYPE_BITS = 8;

    /**
     * @return the type-and-lap word of a frame of {@code type} at {@code position} in a ring of
     *         {@code 1 << capacityShift} bytes.
     */
    public static int typeAndLap(final int type, final long position, final int capacityShift)
    {
        return type | lapBits(position, capacityShift);
    }

    /**
     * @return the lap of {@code position}, shifted into place; the int shift keeps its low 24 bits.
     */
    public static int lapBits(final long position, final int capacityShift)
    {
        return (int)(position >>> capacityShift) << TYPE_BITS;
    }

    public static int alignedLength(final int frameLength)
    {
        return (frameLength + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /**
     * @return the largest frame length a message of at most {@code maxMessageLength} bytes can produce.
     */
    public static int maxFrameLength(final int maxMessageLength)
    {
        return HEADER_LENGTH + maxMessageLength;
    }
}
