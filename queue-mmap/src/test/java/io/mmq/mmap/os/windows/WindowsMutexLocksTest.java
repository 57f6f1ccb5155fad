package io.mmq.mmap.os.windows;

import java.util.concurrent.atomic.AtomicReference;

import io.mmq.MmqException;
import io.mmq.mmap.os.HeldLock;
import io.mmq.mmap.os.LockId;
import io.mmq.mmap.os.ProcessLocks;
import io.mmq.mmap.os.ProcessLocksContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lock contract on Windows named mutexes, run against the Kernel32 model: the real
 * {@link WindowsMutexLocks} in several modelled processes. Plus what only Windows has: abandoned mutexes,
 * interrupted callers, handles that must not leak.
 */
class WindowsMutexLocksTest extends ProcessLocksContract
{
    private static final String PREFIX = WindowsObjectNames.prefixFor("Local", "c:\\queues\\locks.mmq");

    private final FakeWindows windows = new FakeWindows();
    private final FakeWindows.Process thisProcess = windows.startProcess("this");
    private final WindowsMutexLocks locks = new WindowsMutexLocks(thisProcess, PREFIX);

    @AfterEach
    void closeLocks()
    {
        locks.close();
    }

    @Override
    protected ProcessLocks locks()
    {
        return locks;
    }

    @Override
    protected OtherProcess otherProcessHolding(final LockId id)
    {
        final FakeWindows.Process other = windows.startProcess("holder");
        final WindowsMutexLocks otherLocks = new WindowsMutexLocks(other, PREFIX);
        assertNotNull(otherLocks.tryLock(id));
        return new OtherProcess()
        {
            private boolean killed;

            @Override
            public void kill()
            {
                other.kill();
                killed = true;
            }

            @Override
            public void close()
            {
                if (!killed)
                {
                    otherLocks.close();
                }
            }
        };
    }

    @Override
    protected boolean otherProcessCanTake(final LockId id)
    {
        try (WindowsMutexLocks otherLocks = new WindowsMutexLocks(windows.startProcess("try"), PREFIX))
        {
            final HeldLock lock = otherLocks.tryLock(id);
            if (null == lock)
            {
                return false;
            }
            lock.release();
            return true;
        }
    }

    @Test
    void theMutexIsNamedFromTheFileInTheSessionNamespace()
    {
        final HeldLock lock = locks.tryLock(LockId.producer());
        final FakeWindows.Process other = windows.startProcess("other");
        final long mutex = other.createMutex(PREFIX + "-producer");
        assertEquals(Kernel32Api.ERROR_ALREADY_EXISTS, other.getLastError(), "the same object by name");
        assertTrue(PREFIX.startsWith("Local\\mmq-"), PREFIX);
        other.closeHandle(mutex);
        lock.release();
    }

    @Test
    void aMutexAbandonedByADeadProducerIsTakenOverAtOnce()
    {
        final FakeWindows.Process deadProducer = windows.startProcess("producer");
        assertNotNull(new WindowsMutexLocks(deadProducer, PREFIX).tryLock(LockId.producer()));
        deadProducer.kill();
        final HeldLock takenOver = locks.tryLock(LockId.producer());
        assertNotNull(takenOver, "WAIT_ABANDONED counts as acquired");
        takenOver.release();
    }

    @Test
    void anInterruptedCallerStillGetsItsLockAndKeepsItsInterrupt() throws Exception
    {
        final AtomicReference<HeldLock> taken = new AtomicReference<>();
        final AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        final Thread caller = new Thread(() ->
        {
            Thread.currentThread().interrupt();
            taken.set(locks.tryLock(LockId.slot(0)));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        caller.join();
        assertNotNull(taken.get(), "a mutex the keeper took must reach its caller, or nobody could release it");
        assertTrue(stillInterrupted.get());
        taken.get().release();
    }

    @Test
    void releasingAndClosingLeaveNoHandleOrObjectBehind()
    {
        for (int slot = 0; slot < 100; slot++)
        {
            locks.tryLock(LockId.slot(slot)).release();
        }
        locks.tryLock(LockId.producer());
        locks.tryLock(LockId.slot(7));
        locks.close();
        assertEquals(0, thisProcess.openHandleCount());
        assertEquals(0, windows.namedObjectCount());
    }

    @Test
    void aKernelFailureIsAClearErrorNamingTheObject()
    {
        final FakeWindows.Process other = windows.startProcess("other");
        other.closeHandle(other.createEvent(PREFIX + "-table", true)); // gone again: no clash
        final long clash = other.createEvent(PREFIX + "-table", true); // an event where a mutex should be
        final MmqException error = assertThrows(MmqException.class, () -> locks.tryLock(LockId.slotTable()));
        assertTrue(error.getMessage().contains(PREFIX + "-table"), error.getMessage());
        other.closeHandle(clash);
    }
}
