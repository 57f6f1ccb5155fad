package io.mmq.mmap.liveness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.util.function.LongSupplier;

import io.mmq.QueueBusyException;
import io.mmq.mmap.file.QueueFile;
import io.mmq.mmap.file.QueueGeometry;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.mmap.layout.ConsumerSlotLayout.ACTIVE;
import static io.mmq.mmap.layout.ConsumerSlotLayout.FREE;
import static io.mmq.mmap.layout.ConsumerSlotLayout.JOINED_AT_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.OWNER_PID_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.POSITION_OFFSET;
import static io.mmq.mmap.layout.ConsumerSlotLayout.STATE_OFFSET;

/**
 * Who holds which consumer slot, and the one place that decides a holder is dead.
 *
 * <p>A consumer holds its slot's liveness lock (an OS byte-range lock on the queue file) for as long as
 * it holds the slot. The OS releases the lock when the holder's process dies, however it dies, in
 * whatever PID namespace it ran. So a slot is dead exactly when it is ACTIVE and its lock can be taken:
 * no process ids, clocks or heartbeats are involved, and a reused process id cannot be mistaken for the
 * old holder. Claiming, releasing and reaping all happen under the consumer-table lock, so they never
 * interleave.
 */
public final class ConsumerSlots
{
    /** A claimed slot and the liveness lock that proves its holder alive. */
    public record Claim(int slot, FileLock lock)
    {
    }

    private final QueueFile file;
    private final UnsafeBuffer buffer;
    private final QueueGeometry geometry;

    public ConsumerSlots(final QueueFile file)
    {
        this.file = file;
        this.buffer = file.buffer();
        this.geometry = file.geometry();
    }

    /**
     * Claims a free slot, reaping dead holders first if every slot is taken, and sets it ACTIVE at the
     * position {@code start} gives (read under the table lock).
     *
     * @throws QueueBusyException if every slot is held by a live consumer.
     */
    public Claim claim(final LongSupplier start)
    {
        return file.withSlotTableLock(() ->
        {
            Claim claim = tryClaim(start);
            if (null == claim && reapLocked() > 0)
            {
                claim = tryClaim(start);
            }
            if (null == claim)
            {
                throw new QueueBusyException(file.path(), "all " + geometry.consumerSlots() +
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
            final FileLock lock = file.tryLockSlot(slot);
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
                releaseLock(lock);
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
        file.withSlotTableLock(() ->
        {
            buffer.putIntVolatile(geometry.slotOffset(claim.slot()) + STATE_OFFSET, FREE);
            releaseLock(claim.lock());
            return null;
        });
    }

    /**
     * Frees every ACTIVE slot whose holder is dead.
     *
     * @return how many slots were freed.
     */
    public int reapDead()
    {
        return file.withSlotTableLock(this::reapLocked);
    }

    /**
     * Like {@link #reapDead()}, but gives up at once if the consumer-table lock is busy: for the producer,
     * which must not wait on a process that is joining (or stopped while joining).
     *
     * @return how many slots were freed, 0 if the lock was busy.
     */
    public int tryReapDead()
    {
        final Integer reaped = file.tryWithSlotTableLock(this::reapLocked);
        return null == reaped ? 0 : reaped;
    }

    private int reapLocked()
    {
        int reaped = 0;
        for (int slot = 0; slot < geometry.consumerSlots(); slot++)
        {
            final int offset = geometry.slotOffset(slot);
            if (buffer.getIntVolatile(offset + STATE_OFFSET) != ACTIVE)
            {
                continue;
            }
            final FileLock lock = file.tryLockSlot(slot);
            if (null != lock)
            {
                buffer.putIntVolatile(offset + STATE_OFFSET, FREE);
                releaseLock(lock);
                reaped++;
            }
        }
        return reaped;
    }

    private void releaseLock(final FileLock lock)
    {
        try
        {
            lock.release();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file.path() + ": could not release a consumer slot lock", ex);
        }
    }
}
