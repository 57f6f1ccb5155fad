package io.mmq.mmap.layout;

/**
 * Byte-range locks on the queue file, taken where a compare-and-swap is not enough. They lie far beyond
 * the end of the file, so they never cover a byte anyone reads or writes; POSIX {@code fcntl} and Windows
 * {@code LockFileEx} both allow locking past the end. The kernel releases a lock when its holder dies.
 * The Java twin of "Locks" in {@code docs/format.md}.
 */
public final class LockLayout
{
    /** Held exclusively, for as long as it lives, by the process that has the producer role. */
    public static final long PRODUCER_LOCK_OFFSET = 1L << 62;

    /** Held exclusively, briefly, while a consumer slot is claimed. */
    public static final long SLOT_TABLE_LOCK_OFFSET = PRODUCER_LOCK_OFFSET + 1;

    /**
     * Slot {@code i}'s liveness lock is at this offset plus {@code i}: held exclusively by the process whose
     * consumer holds the slot, for as long as it does. Whoever can take it finds the holder dead.
     */
    public static final long SLOT_LOCK_BASE_OFFSET = PRODUCER_LOCK_OFFSET + 64;

    /**
     * The claim lock of the group whose GROUP slot is {@code g} is at this offset plus {@code g}: held
     * briefly by a member that claims work without a compare-and-swap (see
     * {@code ConsumerSlotLayout.CURSOR_LOCKED_BIT}), and taken by anyone who finds the Cursor locked by a
     * dead claimer.
     */
    public static final long GROUP_CLAIM_LOCK_BASE_OFFSET = PRODUCER_LOCK_OFFSET + 8192;

    /** Every lock is one byte long. */
    public static final long LOCK_LENGTH = 1;

    private LockLayout()
    {
    }

    public static long slotLockOffset(final int slot)
    {
        return SLOT_LOCK_BASE_OFFSET + slot;
    }

    public static long groupClaimLockOffset(final int groupSlot)
    {
        return GROUP_CLAIM_LOCK_BASE_OFFSET + groupSlot;
    }
}
