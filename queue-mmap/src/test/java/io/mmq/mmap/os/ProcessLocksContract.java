package io.mmq.mmap.os;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every platform's {@link ProcessLocks} must do, whatever OS object is behind it: the consumer-slot,
 * producer-role and reaping protocols rest on exactly these properties. Each implementation's test
 * supplies this process's locks and a way to act as, or kill, another process.
 */
public abstract class ProcessLocksContract
{
    /** Another process, holding a lock until it is killed. */
    protected interface OtherProcess extends AutoCloseable
    {
        /** Ends the process abruptly, as {@code kill -9} or {@code TerminateProcess} would. */
        void kill() throws Exception;
    }

    /** This process's locks on the file under test. */
    protected abstract ProcessLocks locks();

    /** Starts another process that takes {@code id} and holds it. */
    protected abstract OtherProcess otherProcessHolding(LockId id) throws Exception;

    /** Whether another process could take {@code id} now; if it could, it gives it back. */
    protected abstract boolean otherProcessCanTake(LockId id) throws Exception;

    @Test
    void aFreeLockIsTakenThenReleasedThenTakenAgain() throws Exception
    {
        final HeldLock lock = locks().tryLock(LockId.producer());
        assertNotNull(lock);
        assertFalse(otherProcessCanTake(LockId.producer()), "held here");
        lock.release();
        assertTrue(otherProcessCanTake(LockId.producer()), "released");
        final HeldLock again = locks().tryLock(LockId.producer());
        assertNotNull(again);
        again.release();
    }

    @Test
    void aLockThisProcessHoldsIsNeverHandedOutTwiceWhicheverThreadAsks() throws Exception
    {
        final HeldLock lock = locks().tryLock(LockId.slot(3));
        assertNotNull(lock);
        assertNull(locks().tryLock(LockId.slot(3)), "the same thread asks again");
        assertNull(CompletableFuture.supplyAsync(() -> locks().tryLock(LockId.slot(3))).get(10, TimeUnit.SECONDS),
            "another thread asks");
        lock.release();
    }

    @Test
    void aLockStaysHeldWhenTheThreadThatTookItEnds() throws Exception
    {
        final Thread taker = new Thread(() -> locks().tryLock(LockId.slot(5)));
        taker.start();
        taker.join();
        assertFalse(otherProcessCanTake(LockId.slot(5)), "a consumer's lock belongs to its process, not to a thread");
    }

    @Test
    void aLockAnotherLiveProcessHoldsIsNotHandedOut() throws Exception
    {
        try (OtherProcess other = otherProcessHolding(LockId.slotTable()))
        {
            assertNull(locks().tryLock(LockId.slotTable()));
        }
    }

    @Test
    void aLockWhoseHolderWasKilledIsFree() throws Exception
    {
        try (OtherProcess other = otherProcessHolding(LockId.producer()))
        {
            assertNull(locks().tryLock(LockId.producer()));
            other.kill();
            final HeldLock taken = locks().tryLock(LockId.producer());
            assertNotNull(taken, "the OS released the dead holder's lock");
            taken.release();
        }
    }

    @Test
    void locksAreIndependentOfEachOther() throws Exception
    {
        try (OtherProcess other = otherProcessHolding(LockId.slot(1)))
        {
            final HeldLock two = locks().tryLock(LockId.slot(2));
            final HeldLock table = locks().tryLock(LockId.slotTable());
            assertNotNull(two);
            assertNotNull(table);
            two.release();
            table.release();
        }
    }
}
