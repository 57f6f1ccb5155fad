package io.mmq.mmap.liveness;

import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
    /** A claimed slot and the liveness lock that proves its holder alive. */
    public record Claim(int slot, HeldLock lock)
    {
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
            Claim claim = tryClaim(start);
            if (null == claim && reapLocked() > 0)
            {
                claim = tryClaim(start);
            }
            if (null == claim)
            {
                throw new QueueBusyException(path, "all " + geometry.consumerSlots() +
                    " consumer slots are held by live consumers; close one or create the queue with more slots");
            }
            return claim;
        });
    }

    private Claim tryClaim(final LongSupplier start)
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
            buffer.putLong(offset + OWNER_PID_OFFSET, ProcessHandle.current().pid());
            buffer.putLong(offset + JOINED_AT_OFFSET, System.currentTimeMillis());
            buffer.putLongVolatile(offset + POSITION_OFFSET, position);
            buffer.putIntVolatile(offset + STATE_OFFSET, ACTIVE);
            return new Claim(slot, lock);
        }
        return null;
    }

    /**
     * Gives a slot back: FREE first, then the lock, so no reaper ever finds it ACTIVE and unlocked.
     */
    public void release(final Claim claim)
    {
        withTableLock(() ->
        {
            buffer.putIntVolatile(geometry.slotOffset(claim.slot()) + STATE_OFFSET, FREE);
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
                buffer.putIntVolatile(offset + STATE_OFFSET, FREE);
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
