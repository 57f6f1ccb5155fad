package io.mmq.mmap.liveness;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.mmq.ConsumerNameTakenException;
import io.mmq.MmqException;
import io.mmq.QueueBusyException;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.file.QueueGeometry;
import io.mmq.mmap.os.HeldLock;
import io.mmq.mmap.os.LockId;
import io.mmq.mmap.os.ProcessLocks;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.ConsumerSlotLayout.ACTIVE;
import static io.mmq.mmap.layout.ConsumerSlotLayout.CLAIM_END_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.CURSOR_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.GROUP;
import static io.mmq.mmap.layout.ConsumerSlotLayout.GROUP_SLOT_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.MEMBER;
import static io.mmq.mmap.layout.ConsumerSlotLayout.NO_CLAIM;
import static io.mmq.mmap.layout.ConsumerSlotLayout.ORPHANED;
import static io.mmq.mmap.layout.ConsumerSlotLayout.ORPHANS_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.DORMANT;
import static io.mmq.mmap.layout.ConsumerSlotLayout.FLAGS_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.FLAG_LAP_WHEN_ABSENT;
import static io.mmq.mmap.layout.ConsumerSlotLayout.LAPPED;
import static io.mmq.mmap.layout.ConsumerSlotLayout.NAME_LENGTH_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.NAME_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.EVICTED;
import static io.mmq.mmap.layout.ConsumerSlotLayout.FREE;
import static io.mmq.mmap.layout.ConsumerSlotLayout.JOINED_AT_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.OWNER_PID_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.POSITION_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.STATE_OFFSET;

/**
 * Who holds which consumer slot, and the one place that decides a holder is dead.
 *
 * <p>A consumer holds its slot's liveness lock (a {@link ProcessLocks} lock: a record lock on the queue
 * file, or a named mutex on Windows) for as long as it holds the slot. The OS releases the lock when the holder's process dies, however it dies, in
 * whatever PID namespace it ran. So a slot is dead exactly when it is ACTIVE and its lock can be taken:
 * no process ids, clocks or heartbeats are involved, and a reused process id cannot be mistaken for the
 * old holder. Claiming, releasing and reaping all happen under the consumer-table lock, so they never
 * interleave.
 */
public final class ConsumerSlots
{
    /**
     * A claimed slot and the liveness lock that proves its holder alive.
     *
     * @param name    the consumer's name, or {@code null} for an anonymous consumer.
     * @param resumed true if a named consumer took up an existing name (and its position) rather than
     *                starting a new one.
     */
    public record Claim(int slot, HeldLock lock, String name, boolean resumed)
    {
        boolean named()
        {
            return null != name;
        }
    }

    /**
     * Claiming a slot takes microseconds; a table lock held longer than this (10 s unless the system
     * property {@value #SLOT_TABLE_LOCK_TIMEOUT_PROPERTY} says otherwise, in milliseconds) means a stuck,
     * not a dead, holder: the OS releases a dead holder's lock.
     */
    public static final String SLOT_TABLE_LOCK_TIMEOUT_PROPERTY = "mmq.slotTableLockTimeoutMillis";

    private final Path path;
    private final UnsafeBuffer buffer;
    private final QueueGeometry geometry;
    private final ProcessLocks locks;

    public ConsumerSlots(final QueueFile file)
    {
        this(file.path(), file.buffer(), file.geometry(), file.coordination().locks());
    }

    /**
     * @param buffer the whole queue file, mapped.
     * @param locks  this process's locks on that file.
     */
    public ConsumerSlots(final Path path, final UnsafeBuffer buffer, final QueueGeometry geometry, final ProcessLocks locks)
    {
        this.path = path;
        this.buffer = buffer;
        this.geometry = geometry;
        this.locks = locks;
    }

    /**
     * Claims a free slot, reaping dead holders first if every slot is taken, and sets it ACTIVE at the
     * position {@code start} gives (read under the table lock).
     *
     * @throws QueueBusyException if every slot is held: by a live consumer, or by a named consumer or group.
     */
    public Claim claim(final LongSupplier start)
    {
        return withTableLock(() ->
        {
            Claim claim = tryClaim(start, null, 0);
            if (null == claim && reapLocked() > 0)
            {
                claim = tryClaim(start, null, 0);
            }
            if (null == claim)
            {
                throw new QueueBusyException(path, allSlotsHeld() + ", by live consumers or by named consumers or " +
                    "groups that keep their place while away (mmq delete-consumer frees one); close or delete one, or " +
                    "create the queue with more slots");
            }
            return claim;
        });
    }

    /**
     * @param name the name to write before the slot turns ACTIVE, or {@code null} for an anonymous consumer.
     */
    private Claim tryClaim(final LongSupplier start, final String name, final int flags)
    {
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            final int offset = geometry.slotOffset(slot);
            if (buffer.getIntVolatile(offset + STATE_OFFSET) != FREE)
            {
                continue;
            }
            final HeldLock lock = locks.tryLock(LockId.slot(slot));
            if (null == lock)
            {
                continue; // a holder that was reaped while alive still has it: leave that slot alone
            }
            final long position;
            try
            {
                position = start.getAsLong();
            }
            catch (final RuntimeException ex)
            {
                lock.release();
                throw ex;
            }
            final byte[] nameBytes = null == name ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
            buffer.putBytes(offset + NAME_OFFSET, nameBytes);
            buffer.putInt(offset + FLAGS_OFFSET, flags);
            buffer.putInt(offset + ORPHANS_OFFSET, 0);
            buffer.putInt(offset + GROUP_SLOT_OFFSET, 0);
            buffer.putInt(offset + NAME_LENGTH_OFFSET, nameBytes.length);
            return activate(offset, slot, lock, position, name, false);
        }
        return null;
    }

    /** The last step of every claim: who, when, where, then ACTIVE, so the producer sees a whole slot. */
    private Claim activate(
        final int offset, final int slot, final HeldLock lock, final long position, final String name, final boolean resumed)
    {
        buffer.putLong(offset + OWNER_PID_OFFSET, ProcessHandle.current().pid());
        buffer.putLong(offset + JOINED_AT_OFFSET, System.currentTimeMillis());
        buffer.putLongVolatile(offset + POSITION_OFFSET, position);
        buffer.putIntVolatile(offset + STATE_OFFSET, ACTIVE);
        return new Claim(slot, lock, name, resumed);
    }

    /**
     * Opens the named consumer {@code name}: takes up its slot if the name exists and no live process
     * holds it (keeping its position, whatever state the producer left it in), or claims a free slot for
     * a new name at the position {@code start} gives.
     *
     * @param lapWhenAbsent whether the producer may lap this consumer while no process holds it.
     * @throws ConsumerNameTakenException if a live process holds the name.
     * @throws QueueBusyException if the name is new and every slot is held.
     */
    public Claim claimNamed(final String name, final boolean lapWhenAbsent, final LongSupplier start)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final int flags = lapWhenAbsent ? FLAG_LAP_WHEN_ABSENT : 0;
        return withTableLock(() ->
        {
            final int existing = find(nameBytes);
            if (existing >= 0)
            {
                final int offset = geometry.slotOffset(existing);
                if (buffer.getIntVolatile(offset + STATE_OFFSET) == GROUP)
                {
                    throw new MmqException(path + ": '" + name + "' is a consumer group, not a named consumer; " +
                        "join it as a group member, or choose another name");
                }
                final HeldLock lock = lockNamedSlot(existing, name);
                buffer.putInt(offset + FLAGS_OFFSET, flags);
                return activate(offset, existing, lock, buffer.getLongVolatile(offset + POSITION_OFFSET), name, true);
            }
            Claim claim = tryClaim(start, name, flags);
            if (null == claim && reapLocked() > 0)
            {
                claim = tryClaim(start, name, flags);
            }
            if (null == claim)
            {
                throw new QueueBusyException(path, allSlotsHeld() + ", " +
                    "by live or named consumers; close or delete one, or create the queue with more slots");
            }
            return claim;
        });
    }

    /**
     * A group member's slot and liveness lock, and its group's slot.
     *
     * @param created true if this member created the group (it did not exist).
     */
    public record MemberClaim(int slot, HeldLock lock, int groupSlot, String group, boolean created)
    {
    }

    /**
     * Joins the consumer group {@code group} as a new member, creating the group at the position
     * {@code start} gives if it does not exist. A new group's Cursor is settled by {@code settle} (given
     * the Cursor's file offset and the start, it returns where the Cursor settled) before any member can
     * claim from it: this method holds the table lock throughout, and every member joins under it.
     *
     * @throws QueueBusyException if no slot is free for the member (or the new group).
     * @throws MmqException if {@code group} names a named consumer.
     */
    public MemberClaim claimMember(final String group, final LongSupplier start, final CursorSettler settle)
    {
        final byte[] nameBytes = group.getBytes(StandardCharsets.UTF_8);
        return withTableLock(() ->
        {
            int groupSlot = find(nameBytes);
            boolean created = false;
            if (groupSlot >= 0 && buffer.getIntVolatile(geometry.slotOffset(groupSlot) + STATE_OFFSET) != GROUP)
            {
                throw new MmqException(path + ": '" + group + "' is a named consumer, not a consumer group; " +
                    "open it as a named consumer, or choose another group name");
            }
            if (groupSlot < 0)
            {
                groupSlot = createGroup(nameBytes, start, settle);
                created = true;
            }
            FreeSlot member = tryClaimMember(groupSlot);
            if (null == member && reapLocked() > 0)
            {
                member = tryClaimMember(groupSlot);
            }
            if (null == member)
            {
                if (created)
                {
                    buffer.putIntVolatile(geometry.slotOffset(groupSlot) + STATE_OFFSET, FREE);
                }
                throw new QueueBusyException(path, allSlotsHeld() + ", " +
                    "by live consumers, named consumers or groups; close or delete one, or create the queue with more slots");
            }
            return new MemberClaim(member.slot(), member.lock(), groupSlot, group, created);
        });
    }

    /** Settles a new group's Cursor as a joining consumer settles its Position (format.md, *Joining* step 6). */
    @FunctionalInterface
    public interface CursorSettler
    {
        /**
         * @param cursorOffset the file offset of the group's Cursor, which holds {@code start} already.
         * @return the position the Cursor settled at.
         */
        long settle(int cursorOffset, long start);
    }

    /** A FREE slot and its lock, just taken under the table lock. */
    private record FreeSlot(int slot, HeldLock lock)
    {
    }

    private int createGroup(final byte[] name, final LongSupplier start, final CursorSettler settle)
    {
        FreeSlot free = freeSlot();
        if (null == free && reapLocked() > 0)
        {
            free = freeSlot();
        }
        if (null == free)
        {
            throw new QueueBusyException(path, allSlotsHeld() + "; " +
                "a new group needs one for itself and one for its member");
        }
        // Nobody holds a group's slot: its lock is taken only to claim it as any slot is, and given back.
        final int groupSlot = free.slot();
        try
        {
            final int offset = geometry.slotOffset(groupSlot);
            final long position = start.getAsLong();
            buffer.putBytes(offset + NAME_OFFSET, name);
            buffer.putInt(offset + FLAGS_OFFSET, 0);
            buffer.putInt(offset + NAME_LENGTH_OFFSET, name.length);
            buffer.putInt(offset + ORPHANS_OFFSET, 0);
            buffer.putInt(offset + GROUP_SLOT_OFFSET, 0);
            buffer.putLong(offset + CLAIM_END_OFFSET, 0);
            buffer.putLong(offset + OWNER_PID_OFFSET, ProcessHandle.current().pid());
            buffer.putLong(offset + JOINED_AT_OFFSET, System.currentTimeMillis());
            buffer.putLongVolatile(offset + CURSOR_OFFSET, position);
            buffer.putIntVolatile(offset + STATE_OFFSET, GROUP);
            settle.settle(offset + CURSOR_OFFSET, position);
            return groupSlot;
        }
        catch (final RuntimeException ex)
        {
            buffer.putIntVolatile(geometry.slotOffset(groupSlot) + STATE_OFFSET, FREE);
            throw ex;
        }
        finally
        {
            free.lock().release();
        }
    }

    /**
     * @return the first FREE slot whose lock this process could take, with the lock, or {@code null}.
     */
    private FreeSlot freeSlot()
    {
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            if (buffer.getIntVolatile(geometry.slotOffset(slot) + STATE_OFFSET) != FREE)
            {
                continue;
            }
            final HeldLock lock = locks.tryLock(LockId.slot(slot));
            if (null != lock)
            {
                return new FreeSlot(slot, lock);
            }
        }
        return null;
    }

    private FreeSlot tryClaimMember(final int groupSlot)
    {
        final FreeSlot free = freeSlot();
        if (null == free)
        {
            return null;
        }
        final int offset = geometry.slotOffset(free.slot());
        buffer.putInt(offset + NAME_LENGTH_OFFSET, 0);
        buffer.putInt(offset + FLAGS_OFFSET, 0);
        buffer.putInt(offset + GROUP_SLOT_OFFSET, groupSlot);
        buffer.putLong(offset + CLAIM_END_OFFSET, NO_CLAIM);
        buffer.putLong(offset + OWNER_PID_OFFSET, ProcessHandle.current().pid());
        buffer.putLong(offset + JOINED_AT_OFFSET, System.currentTimeMillis());
        buffer.putLongVolatile(offset + POSITION_OFFSET, NO_CLAIM);
        buffer.putIntVolatile(offset + STATE_OFFSET, MEMBER);
        return free;
    }

    /**
     * A member leaves: its slot becomes FREE, or ORPHANED if it leaves a claim unfinished (counted in its
     * group's Orphans, for another member to finish), then its lock is released.
     */
    public void releaseMember(final MemberClaim claim)
    {
        withTableLock(() ->
        {
            final int offset = geometry.slotOffset(claim.slot());
            if (buffer.getIntVolatile(offset + STATE_OFFSET) == MEMBER) // not if reaped from under us: counted once
            {
                leaveMember(offset);
            }
            claim.lock().release();
            return null;
        });
    }

    /** Under the table lock: the state a member that leaves or dies leaves behind. */
    private void leaveMember(final int offset)
    {
        if (buffer.getLongVolatile(offset + POSITION_OFFSET) == NO_CLAIM)
        {
            buffer.putIntVolatile(offset + STATE_OFFSET, FREE);
            return;
        }
        // Counted first: a reaper that dies between the two stores leaves a count too high, which the next
        // adopter corrects, never an orphan that nobody looks for.
        final int groupOrphans = geometry.slotOffset(buffer.getInt(offset + GROUP_SLOT_OFFSET)) + ORPHANS_OFFSET;
        buffer.putIntVolatile(groupOrphans, buffer.getIntVolatile(groupOrphans) + 1);
        buffer.putIntVolatile(offset + STATE_OFFSET, ORPHANED);
    }

    /**
     * Gives the member of {@code claim}, which has no claim of its own, the first orphaned claim of its
     * group: its Claim End, then its Position (volatile), then the orphan's slot FREE. The member's slot
     * holds the producer back at the orphan's position before the orphan stops holding it, so the
     * producer's second read of the table sees one or the other. An orphan whose Claim End is not past its
     * Position (its member died between announcing a claim and storing the claim's end, so it won nothing)
     * is freed on the way, not adopted: an empty claim would have nothing to hand on.
     *
     * @return true if there was an orphan to adopt.
     */
    public boolean adoptOrphan(final MemberClaim claim)
    {
        return withTableLock(() -> adoptOrphanLocked(claim));
    }

    /**
     * Like {@link #adoptOrphan}, but gives up at once (false) if the consumer-table lock is busy: for a
     * member on its poll path, which must not wait for a process that is joining.
     */
    public boolean tryAdoptOrphan(final MemberClaim claim)
    {
        final HeldLock tableLock = locks.tryLock(LockId.slotTable());
        if (null == tableLock)
        {
            return false;
        }
        try
        {
            return adoptOrphanLocked(claim);
        }
        finally
        {
            tableLock.release();
        }
    }

    private boolean adoptOrphanLocked(final MemberClaim claim)
    {
        final int groupOrphans = geometry.slotOffset(claim.groupSlot()) + ORPHANS_OFFSET;
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            final int offset = geometry.slotOffset(slot);
            if (buffer.getIntVolatile(offset + STATE_OFFSET) != ORPHANED ||
                buffer.getInt(offset + GROUP_SLOT_OFFSET) != claim.groupSlot())
            {
                continue;
            }
            final long position = buffer.getLongVolatile(offset + POSITION_OFFSET);
            final long end = buffer.getLong(offset + CLAIM_END_OFFSET);
            final boolean holdsClaim = end > position;
            if (holdsClaim)
            {
                final int own = geometry.slotOffset(claim.slot());
                buffer.putLong(own + CLAIM_END_OFFSET, end);
                buffer.putLongVolatile(own + POSITION_OFFSET, position);
            }
            // An orphan whose Claim End is not past its Position holds nothing: its member died after
            // announcing a claim and before storing that claim's end, so it never won it. Free it.
            buffer.putIntVolatile(offset + STATE_OFFSET, FREE);
            buffer.putIntVolatile(groupOrphans, Math.max(0, buffer.getIntVolatile(groupOrphans) - 1));
            if (holdsClaim)
            {
                return true;
            }
        }
        buffer.putIntVolatile(groupOrphans, 0); // a count with no orphan behind it: nothing to wait for
        return false;
    }

    /**
     * Deletes the named consumer {@code name}, which no live process may hold: its slot becomes FREE.
     *
     * @throws ConsumerNameTakenException if a live process holds it.
     * @throws MmqException if there is no consumer of that name.
     */
    public void deleteNamed(final String name)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        withTableLock(() ->
        {
            final int slot = find(nameBytes);
            if (slot < 0)
            {
                throw new MmqException(path + ": there is no consumer named '" + name + "'");
            }
            final int offset = geometry.slotOffset(slot);
            if (buffer.getIntVolatile(offset + STATE_OFFSET) == GROUP)
            {
                deleteGroupLocked(slot, name);
                return null;
            }
            final HeldLock lock = lockNamedSlot(slot, name);
            buffer.putIntVolatile(offset + STATE_OFFSET, FREE);
            buffer.putInt(offset + NAME_LENGTH_OFFSET, 0);
            lock.release();
            return null;
        });
    }

    /**
     * Deletes the group in slot {@code groupSlot}, which no live member may hold: frees its dead members,
     * its orphaned claims (their messages are given up with the group) and the group's own slot.
     */
    private void deleteGroupLocked(final int groupSlot, final String name)
    {
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            final int offset = geometry.slotOffset(slot);
            if (buffer.getIntVolatile(offset + STATE_OFFSET) == MEMBER && buffer.getInt(offset + GROUP_SLOT_OFFSET) == groupSlot)
            {
                final HeldLock lock = locks.tryLock(LockId.slot(slot));
                if (null == lock)
                {
                    throw ConsumerNameTakenException.groupInUse(path, name, buffer.getLong(offset + OWNER_PID_OFFSET));
                }
                lock.release(); // a dead member's: freed below
            }
        }
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            final int offset = geometry.slotOffset(slot);
            final int state = buffer.getIntVolatile(offset + STATE_OFFSET);
            if ((state == MEMBER || state == ORPHANED) && buffer.getInt(offset + GROUP_SLOT_OFFSET) == groupSlot)
            {
                buffer.putIntVolatile(offset + STATE_OFFSET, FREE);
            }
        }
        final int groupOffset = geometry.slotOffset(groupSlot);
        buffer.putIntVolatile(groupOffset + STATE_OFFSET, FREE);
        buffer.putInt(groupOffset + NAME_LENGTH_OFFSET, 0);
    }

    /**
     * Takes the lock of the slot that holds {@code name}, which only a dead or absent holder lets go of.
     *
     * @throws ConsumerNameTakenException if a live process holds it.
     */
    private HeldLock lockNamedSlot(final int slot, final String name)
    {
        final HeldLock lock = locks.tryLock(LockId.slot(slot));
        if (null == lock)
        {
            throw new ConsumerNameTakenException(path, name, buffer.getLong(geometry.slotOffset(slot) + OWNER_PID_OFFSET));
        }
        return lock;
    }

    /**
     * Moves the slot at {@code offset} to the state its holder leaves behind (see {@link #leftState}).
     * Swapped, not stored: the producer may be evicting it at the same moment.
     */
    private void storeLeftState(final int offset)
    {
        int state;
        do
        {
            state = buffer.getIntVolatile(offset + STATE_OFFSET);
        }
        while (!buffer.compareAndSetInt(offset + STATE_OFFSET, state, leftState(offset, state)));
    }

    /** @return the slot that holds the name, or -1. Under the table lock. */
    private int find(final byte[] name)
    {
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            final int offset = geometry.slotOffset(slot);
            if (buffer.getIntVolatile(offset + STATE_OFFSET) != FREE && nameEquals(offset, name))
            {
                return slot;
            }
        }
        return -1;
    }

    private boolean nameEquals(final int offset, final byte[] name)
    {
        if (buffer.getInt(offset + NAME_LENGTH_OFFSET) != name.length)
        {
            return false;
        }
        for (int i = 0; i < name.length; i++)
        {
            if (buffer.getByte(offset + NAME_OFFSET + i) != name[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The state a slot of a consumer that leaves or dies goes to: an anonymous consumer's is FREE; a named
     * one keeps its slot, DORMANT, or LAPPED if the producer had already gone past it (evicted).
     */
    private int leftState(final int offset, final int state)
    {
        if (buffer.getInt(offset + NAME_LENGTH_OFFSET) == 0)
        {
            return FREE;
        }
        return state == EVICTED ? LAPPED : DORMANT;
    }

    /**
     * Gives a slot back: its new state first (FREE, or DORMANT or LAPPED for a named consumer), then the
     * lock, so no reaper ever finds it ACTIVE and unlocked. The state is swapped, not stored: the producer
     * may be evicting this consumer at the same moment.
     */
    public void release(final Claim claim)
    {
        withTableLock(() ->
        {
            storeLeftState(geometry.slotOffset(claim.slot()));
            claim.lock().release();
            return null;
        });
    }

    /**
     * Frees every ACTIVE, EVICTED or MEMBER slot whose holder is dead (a dead member's unfinished claim
     * is ORPHANED, for its group to finish).
     *
     * @return how many slots were freed.
     */
    public int reapDead()
    {
        return withTableLock(this::reapLocked);
    }

    /**
     * Like {@link #reapDead()}, but gives up at once if the consumer-table lock is busy: for the producer,
     * which must not wait on a process that is joining (or stopped while joining).
     *
     * @return how many slots were freed, 0 if the lock was busy.
     */
    public int tryReapDead()
    {
        final HeldLock tableLock = locks.tryLock(LockId.slotTable());
        if (null == tableLock)
        {
            return 0;
        }
        try
        {
            return reapLocked();
        }
        finally
        {
            tableLock.release();
        }
    }

    private int reapLocked()
    {
        int reaped = 0;
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            final int offset = geometry.slotOffset(slot);
            final int state = buffer.getIntVolatile(offset + STATE_OFFSET);
            if (state != ACTIVE && state != EVICTED && state != MEMBER)
            {
                continue;
            }
            final HeldLock lock = locks.tryLock(LockId.slot(slot));
            if (null != lock)
            {
                if (state == MEMBER)
                {
                    leaveMember(offset);
                }
                else
                {
                    storeLeftState(offset);
                }
                lock.release();
                reaped++;
            }
        }
        return reaped;
    }

    /**
     * Runs {@code action} holding the consumer-table lock, against every thread and process. The lock is
     * tried with a back-off rather than waited for: a wait could not be bounded, and on POSIX a blocking
     * lock call on an interrupted thread would close the shared channel and drop every lock of this
     * process, the producer's included.
     */
    private <T> T withTableLock(final Supplier<T> action)
    {
        final HeldLock tableLock = acquireTableLock();
        try
        {
            return action.get();
        }
        finally
        {
            tableLock.release();
        }
    }

    private String allSlotsHeld()
    {
        return 1 == geometry.consumerSlots() ? "its one consumer slot is held" :
            "all " + geometry.consumerSlots() + " consumer slots are held";
    }

    private HeldLock acquireTableLock()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 1_000_000);
        final long timeoutMillis = Long.getLong(SLOT_TABLE_LOCK_TIMEOUT_PROPERTY, 10_000);
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        HeldLock lock;
        while (null == (lock = locks.tryLock(LockId.slotTable())))
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new MmqException(path + ": the consumer table lock has been held by another process for " +
                    timeoutMillis + " ms; is a process stuck while joining?");
            }
            idle.idle();
        }
        return lock;
    }
}
