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
     * @throws QueueBusyException if every slot is held by a live consumer.
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
                throw new QueueBusyException(path, "all " + geometry.consumerSlots() +
                    " consumer slots are held by live consumers; close one or create the queue with more slots");
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
                throw new QueueBusyException(path, "all " + geometry.consumerSlots() + " consumer slots are held, " +
                    "by live or named consumers; close or delete one, or create the queue with more slots");
            }
            return claim;
        });
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
            final HeldLock lock = lockNamedSlot(slot, name);
            buffer.putIntVolatile(offset + STATE_OFFSET, FREE);
            buffer.putInt(offset + NAME_LENGTH_OFFSET, 0);
            lock.release();
            return null;
        });
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
     * Frees every ACTIVE or EVICTED slot whose holder is dead.
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
            if (state != ACTIVE && state != EVICTED)
            {
                continue;
            }
            final HeldLock lock = locks.tryLock(LockId.slot(slot));
            if (null != lock)
            {
                storeLeftState(offset);
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
