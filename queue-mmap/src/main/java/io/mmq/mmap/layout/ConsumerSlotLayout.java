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
 *  |  State (FREE, ACTIVE, EVICTED, DORMANT, LAPPED, GROUP, MEMBER, |  0
 *  |         ORPHANED)                                             |
 *  +---------------------------------------------------------------+
 *  |        Orphans (a GROUP slot; otherwise reserved, zero)       |  4
 *  +---------------------------------------------------------------+
 *  |     Position (8 bytes; a GROUP slot's Cursor, a MEMBER's      |  8
 *  |     claim, -1 when it has none)                               |
 *  +---------------------------------------------------------------+
 *  |                 Owner Process Id (8 bytes)                    | 16
 *  +---------------------------------------------------------------+
 *  |              Joined At, ms since the epoch (8 bytes)          | 24
 *  +---------------------------------------------------------------+
 *  |               Name Length (0: an anonymous consumer)          | 32
 *  +---------------------------------------------------------------+
 *  |                 Flags (bit 0: lap when absent)                | 36
 *  +---------------------------------------------------------------+
 *  |       Group Slot (a MEMBER or ORPHANED slot's group)          | 40
 *  +---------------------------------------------------------------+
 *  |                        Reserved, zero                         | 44
 *  +---------------------------------------------------------------+
 *  |                   Name, UTF-8 (64 bytes)                     ... 48
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |       Claim End (8 bytes; a MEMBER or ORPHANED slot's)        | 112
 *  +---------------------------------------------------------------+
 *  |                    Reserved, zero (8 bytes)                   | 120
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
     * {@link #FREE}, {@link #ACTIVE}, {@link #EVICTED}, {@link #DORMANT} or {@link #LAPPED}: set by
     * consumers and reapers under the table lock, and by the producer (ACTIVE to EVICTED, DORMANT to
     * LAPPED) with a compare-and-swap.
     */
    public static final int STATE_OFFSET = 0;

    /** The position of the next message the consumer will read; written by the consumer only. */
    public static final int POSITION_OFFSET = 8;

    public static final int OWNER_PID_OFFSET = 16;
    public static final int JOINED_AT_OFFSET = 24;

    /** Bytes of the name at {@link #NAME_OFFSET}; 0 for an anonymous consumer, whose slot is freed when it leaves. */
    public static final int NAME_LENGTH_OFFSET = 32;

    /** {@link #FLAG_LAP_WHEN_ABSENT}, and nothing else yet. */
    public static final int FLAGS_OFFSET = 36;

    public static final int NAME_OFFSET = 48;
    public static final int MAX_NAME_LENGTH = 64;

    /**
     * A GROUP slot's count of its ORPHANED slots: claims whose member died or left before finishing them.
     * Written only under the table lock (by reapers, leavers and adopters); members read it before claiming.
     */
    public static final int ORPHANS_OFFSET = 4;

    /**
     * A GROUP slot keeps its Cursor where other slots keep their Position: the next position no member
     * has claimed. Members claim by moving it on with a compare-and-swap. While bit 0 is set, a member
     * that cannot compare-and-swap (Python) is claiming under the group's claim lock, and nobody else may
     * move it; the producer reads it with the low three bits cleared.
     */
    public static final int CURSOR_OFFSET = POSITION_OFFSET;

    /** Set in a Cursor by a claimer that holds the group's claim lock. */
    public static final long CURSOR_LOCKED_BIT = 1L;

    /** A MEMBER or ORPHANED slot's group: the index of its GROUP slot. */
    public static final int GROUP_SLOT_OFFSET = 40;

    /**
     * Where a MEMBER's claim ends: its Position runs up to it, message by message. Written before the
     * claim is won, so a member that dies at any point leaves a claim another member can finish.
     */
    public static final int CLAIM_END_OFFSET = 112;

    /** A MEMBER's Position while it has no claim: below every position, so it holds nothing back. */
    public static final long NO_CLAIM = -1L;

    /** A DORMANT named consumer lets the producer lap it instead of holding it back. */
    public static final int FLAG_LAP_WHEN_ABSENT = 1;

    public static final int FREE = 0;
    public static final int ACTIVE = 1;

    /**
     * Held by a live consumer that the producer no longer waits for: it fell further behind than the
     * queue's eviction lag. It stays EVICTED until its consumer notices and leaves, or dies and is reaped.
     */
    public static final int EVICTED = 2;

    /**
     * A named consumer that no process holds: it keeps its name and Position for the next process that
     * opens it, and holds the producer back like an ACTIVE one, unless it lets the producer lap it.
     */
    public static final int DORMANT = 3;

    /**
     * A named consumer that no process holds and that the producer has gone past (it let the producer lap
     * it, or it was evicted): its Position is where its loss began.
     */
    public static final int LAPPED = 4;

    /**
     * A consumer group: its Name, Cursor and Orphans. No process holds it; it lives until deleted, and
     * holds the producer back at its Cursor, like a named consumer that nobody lets the producer lap.
     */
    public static final int GROUP = 5;

    /**
     * A live member of a consumer group, held (and its lock taken) like an ACTIVE slot. It holds the
     * producer back at its Position while it has a claim, and at nothing while its Position is
     * {@link #NO_CLAIM}.
     */
    public static final int MEMBER = 6;

    /**
     * A member's claim left unfinished by a member that died or left: held by no process, it holds the
     * producer back at its Position until a live member of its group adopts it.
     */
    public static final int ORPHANED = 7;

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
