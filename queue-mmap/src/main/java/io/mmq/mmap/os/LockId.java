package io.mmq.mmap.os;

import io.mmq.mmap.layout.LockLayout;

/**
 * Names one of a queue file's cross-process locks, in the two forms the platforms need: a byte offset
 * for POSIX record locks on the file, and a short name for Windows named mutexes. The two are two views
 * of one list, {@code docs/format.md} "Locks".
 *
 * @param name   the suffix of the lock's OS object name: {@code producer}, {@code table}, {@code slot-<i>} or {@code group-<g>}.
 * @param offset the byte of the queue file that a record lock covers, far beyond the end of the file.
 */
public record LockId(String name, long offset)
{
    private static final LockId PRODUCER = new LockId("producer", LockLayout.PRODUCER_LOCK_OFFSET);
    private static final LockId SLOT_TABLE = new LockId("table", LockLayout.SLOT_TABLE_LOCK_OFFSET);

    /** Held for as long as it lives by the process that has the producer role. */
    public static LockId producer()
    {
        return PRODUCER;
    }

    /** Held briefly while consumer slots are claimed, released or reaped. */
    public static LockId slotTable()
    {
        return SLOT_TABLE;
    }

    /** Held by the consumer that holds slot {@code slot}, for as long as it does: its proof of life. */
    public static LockId slot(final int slot)
    {
        return new LockId("slot-" + slot, LockLayout.slotLockOffset(slot));
    }

    /**
     * Held briefly by a group member that claims work without a compare-and-swap; whoever takes it while
     * the group's Cursor is locked finds that claimer dead.
     */
    public static LockId groupClaim(final int groupSlot)
    {
        return new LockId("group-" + groupSlot, LockLayout.groupClaimLockOffset(groupSlot));
    }
}
