package io.mmq.bridge.aeron;

/**
 * Where a message came from, carried in the 64-bit reserved value of every Aeron data frame of the message
 * (the payload stays the message, byte for byte): the source queue's position just after the message before
 * it, as the outbound bridge read the queue (so, for the first message a bridge sends, the position it
 * resumed from), in the low 57 bits; and the source ring's capacity, as its base-2 logarithm, in the 6 bits
 * above. The value is never negative.
 *
 * <p>With the position after the previous message, the inbound bridge tells a gap exactly: a message follows
 * the last one applied if and only if it carries that one's end. The capacity and the message's length give
 * the message's own end, by the queue's frame format ({@code docs/format.md}): a message of {@code n} bytes
 * takes a frame of {@code align8(8 + n)} bytes, placed at the producer's tail, which is the end of the
 * message before, unless it does not fit before the end of the ring, when a padding frame fills the rest of
 * the ring and the message starts the next lap. (Carrying the end instead, and working back, could not tell
 * a small message lost just before the ring's end from that padding.)
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
     * @param previousEnd the source position just after the message before this one, 0 to {@link #MAX_POSITION}.
     * @param capacity    the source ring's capacity, a power of two.
     */
    public static long pack(final long previousEnd, final int capacity)
    {
        return ((long)Integer.numberOfTrailingZeros(capacity) << 57) | previousEnd;
    }

    /** @return the source position just after the message before this one. */
    public static long previousEnd(final long value)
    {
        return value & MAX_POSITION;
    }

    /** @return the source ring's capacity. */
    public static int capacity(final long value)
    {
        return 1 << (int)(value >>> 57);
    }

    /**
     * @return the source position just after the message of {@code length} bytes that {@code value} came
     *         with: its frame starts where the previous message ended, or at the next lap's start if it does
     *         not fit before the end of the ring.
     */
    public static long end(final long value, final int length)
    {
        final long previousEnd = previousEnd(value);
        final int capacity = capacity(value);
        final long offset = previousEnd & (capacity - 1);
        final long frame = (FRAME_HEADER_LENGTH + (long)length + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
        return offset + frame > capacity ? previousEnd + (capacity - offset) + frame : previousEnd + frame;
    }
}
