package io.mmq.bridge.aeron;

/**
 * Where a message came from, carried in the 64-bit reserved value of every Aeron data frame of the message
 * (the payload stays the message, byte for byte): the source queue's position just after the message (what
 * a commit through the message stores) in the low 57 bits, and the source ring's capacity, as its base-2
 * logarithm, in the 6 bits above. The value is never negative.
 *
 * <p>Both are needed to tell, from one message and the end of the one before it, whether anything is
 * missing between them. By the queue's frame format ({@code docs/format.md}) a message of {@code n} bytes
 * takes a frame of {@code align8(8 + n)} bytes that never crosses the end of the ring: a frame that would
 * is put at the start of the next lap, behind a padding frame. So the message that follows the one ending
 * at {@code e} starts at {@code e}, or at the next lap's start if it did not fit before the end of the ring,
 * and the receiver can compute that without any other word from the sender.
 *
 * <p>57 bits of position are 128 PiB: at 1 GB/s, four years of one queue. The outbound bridge stops with an
 * error past it rather than wrap.
 */
public final class SourcePosition
{
    /** The largest position that fits. */
    public static final long MAX_POSITION = (1L << 57) - 1;

    private static final int FRAME_HEADER_LENGTH = 8;
    private static final int FRAME_ALIGNMENT = 8;

    private SourcePosition()
    {
    }

    /**
     * @param end      the source position just after the message, 0 to {@link #MAX_POSITION}.
     * @param capacity the source ring's capacity, a power of two.
     */
    public static long pack(final long end, final int capacity)
    {
        return ((long)Integer.numberOfTrailingZeros(capacity) << 57) | end;
    }

    /** @return the source position just after the message. */
    public static long end(final long value)
    {
        return value & MAX_POSITION;
    }

    /** @return the source ring's capacity. */
    public static int capacity(final long value)
    {
        return 1 << (int)(value >>> 57);
    }

    /** @return the source position where the message's own frame starts. */
    public static long start(final long value, final int length)
    {
        return end(value) - frameLength(length);
    }

    /**
     * @return where the next message starts in the source if nothing is missing after the message that ended
     *         at {@code previousEnd}: there, or at the next lap's start if a frame of {@code length} bytes
     *         does not fit before the end of the ring.
     */
    public static long expectedStart(final long previousEnd, final int length, final int capacity)
    {
        final long offset = previousEnd & (capacity - 1);
        return offset + frameLength(length) > capacity ? previousEnd + (capacity - offset) : previousEnd;
    }

    private static long frameLength(final int length)
    {
        return (FRAME_HEADER_LENGTH + (long)length + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
    }
}
