package io.mmq.bridge.aeron;

/**
 * Where a message came from, carried in the 64-bit reserved value of every Aeron data frame of the message
 * (the payload stays the message, byte for byte): the source queue's position just after the message before
 * it, as the outbound bridge read the queue (so, for the first message a bridge sends, the position it
 * resumed from), in the low 57 bits; the source ring's capacity, as its base-2 logarithm, in the 6 bits
 * above; and in the top bit, whether a padding frame came between the two messages, so that this message
 * starts the next lap.
 *
 * <p>With the position after the previous message, the inbound bridge tells a gap exactly: a message follows
 * the last one applied if and only if it carries that one's end. The capacity and the message's length give
 * the message's own end, by the queue's frame format ({@code docs/format.md}): a message of {@code n} bytes
 * takes a frame of {@code align8(8 + n)} bytes, placed at the producer's tail, which is the end of the
 * message before, unless a padding frame fills the rest of the ring first and the message starts the next
 * lap. A producer pads when the message does not fit before the end of the ring, but also when it claimed a
 * larger message there and aborted it (the padding is written at the claim), or died before committing it:
 * then even a message that would have fitted starts the next lap. So the outbound bridge, which reads the
 * queue and sees where each message really ends, says so in the top bit; the inbound bridge goes by it.
 * (Carrying the end instead, and working back, could not tell a small message lost just before the ring's
 * end from that padding.)
 *
 * <p>57 bits of position are 128 PiB: at 1 GB/s, four years of one queue. The outbound bridge stops with an
 * error past it rather than wrap.
 *
 * <p>One value is not a position: {@link #IDENTITY}, whose capacity bits are all ones (a ring of 2^63 bytes,
 * which no queue has). It marks the frame each outbound bridge sends first on its publication: 8 bytes, the
 * source queue's creation id ({@code MessageQueue.creationId()}, 0 for a file older than format 7), so that
 * the inbound bridge knows which queue the positions that follow count in.
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

    /** The top bit: a padding frame came between the message before and this one. */
    private static final long PADDED = Long.MIN_VALUE;

    /** The reserved value of the frame that names the source queue: capacity bits all ones, nothing else. */
    public static final long IDENTITY = 0x3FL << 57;

    /** The length of the identity frame's payload: the source queue's creation id. */
    public static final int IDENTITY_LENGTH = 8;

    /** @return whether {@code value} marks the frame that names the source queue, not a message. */
    public static boolean isIdentity(final long value)
    {
        return value == IDENTITY;
    }

    /**
     * @param previousEnd the source position just after the message before this one, 0 to {@link #MAX_POSITION}.
     * @param capacity    the source ring's capacity, a power of two.
     */
    public static long pack(final long previousEnd, final int capacity)
    {
        return ((long)Integer.numberOfTrailingZeros(capacity) << 57) | previousEnd;
    }

    /**
     * What the outbound bridge carries for a message of {@code length} bytes that it read ending at
     * {@code end}: {@link #pack(long, int)}, with the top bit set if the message's frame did not start where
     * the message before ended (a padding frame came between).
     */
    public static long pack(final long previousEnd, final long end, final int length, final int capacity)
    {
        final long value = pack(previousEnd, capacity);
        return end - frameLength(length) != previousEnd ? value | PADDED : value;
    }

    /** @return the source position just after the message before this one. */
    public static long previousEnd(final long value)
    {
        return value & MAX_POSITION;
    }

    /** @return the source ring's capacity. */
    public static int capacity(final long value)
    {
        return 1 << (int)((value >>> 57) & 0x3F);
    }

    /**
     * @return the source position just after the message of {@code length} bytes that {@code value} came
     *         with: its frame starts where the previous message ended, or at the next lap's start if a padding
     *         frame came between (the top bit) or it does not fit before the end of the ring.
     */
    public static long end(final long value, final int length)
    {
        final long previousEnd = previousEnd(value);
        final int capacity = capacity(value);
        final long offset = previousEnd & (capacity - 1);
        final long frame = frameLength(length);
        final boolean padded = (value & PADDED) != 0 || offset + frame > capacity;
        return padded ? previousEnd + (capacity - offset) + frame : previousEnd + frame;
    }

    private static long frameLength(final int length)
    {
        return (FRAME_HEADER_LENGTH + (long)length + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
    }
}
