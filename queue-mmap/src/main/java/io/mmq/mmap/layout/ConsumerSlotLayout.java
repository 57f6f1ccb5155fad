package io.mmq.mmap.layout;

/**
 * One entry of the consumer table, which follows the header: slot {@code i} starts at file offset
 * {@code HeaderLayout.HEADER_LENGTH + i * SLOT_LENGTH}. The Java twin of "The consumer table" in
 * {@code docs/format.md}.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 State (FREE, ACTIVE, EVICTED)                 |  0
 *  +---------------------------------------------------------------+
 *  |                        Reserved, zero                         |  4
 *  +---------------------------------------------------------------+
 *  |                       Position (8 bytes)                      |  8
 *  +---------------------------------------------------------------+
 *  |                 Owner Process Id (8 bytes)                    | 16
 *  +---------------------------------------------------------------+
 *  |              Joined At, ms since the epoch (8 bytes)          | 24
 *  +---------------------------------------------------------------+
 *  |                   Reserved, zero (to 128)                    ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A slot is 128 bytes, two cache lines, because it is written by its consumer's process and read by
 * the producer's: with one slot per pair of lines, consumers never write a line another consumer writes,
 * and the adjacent-line prefetcher of x86 cores does not couple neighbours either.
 */
public final class ConsumerSlotLayout
{
    public static final int SLOT_LENGTH = 128;

    /**
     * {@link #FREE}, {@link #ACTIVE} or {@link #EVICTED}: set to ACTIVE under the table lock, to EVICTED
     * by the producer with a compare-and-swap, back to FREE by its owner or a reaper under the table lock.
     */
    public static final int STATE_OFFSET = 0;

    /** The position of the next message the consumer will read; written by the consumer only. */
    public static final int POSITION_OFFSET = 8;

    public static final int OWNER_PID_OFFSET = 16;
    public static final int JOINED_AT_OFFSET = 24;

    public static final int FREE = 0;
    public static final int ACTIVE = 1;

    /**
     * Held by a live consumer that the producer no longer waits for: it fell further behind than the
     * queue's eviction lag. It stays EVICTED until its consumer notices and leaves, or dies and is reaped.
     */
    public static final int EVICTED = 2;

    private ConsumerSlotLayout()
    {
    }

    /**
     * @return the file offset of slot {@code slot}.
     */
    public static int slotOffset(final int slot)
    {
        return HeaderLayout.HEADER_LENGTH + slot * SLOT_LENGTH;
    }
}
