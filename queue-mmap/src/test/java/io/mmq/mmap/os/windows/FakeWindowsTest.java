package io.mmq.mmap.os.windows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static io.mmq.mmap.os.windows.Kernel32Api.ERROR_ALREADY_EXISTS;
import static io.mmq.mmap.os.windows.Kernel32Api.ERROR_NOT_OWNER;
import static io.mmq.mmap.os.windows.Kernel32Api.WAIT_ABANDONED;
import static io.mmq.mmap.os.windows.Kernel32Api.WAIT_FAILED;
import static io.mmq.mmap.os.windows.Kernel32Api.WAIT_OBJECT_0;
import static io.mmq.mmap.os.windows.Kernel32Api.WAIT_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins down each Kernel32 semantic the model promises, as Microsoft documents it, so that tests of the
 * Windows classes against the model mean something.
 */
class FakeWindowsTest
{
    private final FakeWindows windows = new FakeWindows();
    private final FakeWindows.Process first = windows.startProcess("first");
    private final FakeWindows.Process second = windows.startProcess("second");

    @Test
    void aNameDenotesOneObjectAcrossProcessesAndAnOpenOfAnExistingOneSaysSo()
    {
        final long mine = first.createMutex("Local\\m");
        assertEquals(0, first.getLastError());
        final long theirs = second.createMutex("Local\\m");
        assertEquals(ERROR_ALREADY_EXISTS, second.getLastError());

        assertEquals(WAIT_OBJECT_0, first.waitForSingleObject(mine, 0));
        assertEquals(WAIT_TIMEOUT, call(() -> second.waitForSingleObject(theirs, 0)), "the same mutex, owned");
        assertEquals(1, windows.namedObjectCount());
    }

    @Test
    void theLastCloseDestroysANamedObject()
    {
        final long a = first.createEvent("Local\\e", true);
        final long b = second.createEvent("Local\\e", true);
        first.setEvent(a);
        first.closeHandle(a);
        assertEquals(WAIT_OBJECT_0, second.waitForSingleObject(b, 0), "alive while a handle is open");
        second.closeHandle(b);
        assertEquals(0, windows.namedObjectCount());

        final long fresh = second.createEvent("Local\\e", true);
        assertEquals(0, second.getLastError(), "created anew");
        assertEquals(WAIT_TIMEOUT, second.waitForSingleObject(fresh, 0), "a new event starts unsignalled");
    }

    @Test
    void aMutexBelongsToTheThreadThatAcquiredItNotToItsProcess()
    {
        final long mutex = first.createMutex("Local\\m");
        assertEquals(WAIT_OBJECT_0, first.waitForSingleObject(mutex, 0));
        assertEquals(WAIT_TIMEOUT, call(() -> first.waitForSingleObject(mutex, 0)), "another thread, same process");
        assertEquals(Boolean.FALSE, call(() -> first.releaseMutex(mutex)));
        assertEquals(ERROR_NOT_OWNER, call(() ->
        {
            first.releaseMutex(mutex);
            return first.getLastError();
        }));
    }

    @Test
    void theOwnerAcquiresRecursivelyAndMustReleaseAsOften()
    {
        final long mutex = first.createMutex("Local\\m");
        final long other = second.createMutex("Local\\m");
        assertEquals(WAIT_OBJECT_0, first.waitForSingleObject(mutex, 0));
        assertEquals(WAIT_OBJECT_0, first.waitForSingleObject(mutex, 0));
        assertTrue(first.releaseMutex(mutex));
        assertEquals(WAIT_TIMEOUT, call(() -> second.waitForSingleObject(other, 0)), "still owned once");
        assertTrue(first.releaseMutex(mutex));
        assertEquals(WAIT_OBJECT_0, call(() -> second.waitForSingleObject(other, 0)));
        assertFalse(first.releaseMutex(mutex), "no longer the owner");
    }

    @Test
    void aMutexWhoseOwnerThreadEndsIsAbandonedToTheNextWaiter()
    {
        final long mutex = first.createMutex("Local\\m");
        assertEquals(WAIT_OBJECT_0, call(() -> first.waitForSingleObject(mutex, 0)), "taken by a thread that then ends");
        final long other = second.createMutex("Local\\m");
        assertEquals(WAIT_ABANDONED, second.waitForSingleObject(other, 0));
        assertTrue(second.releaseMutex(other), "the abandoned mutex is owned by the waiter");
        assertEquals(WAIT_OBJECT_0, second.waitForSingleObject(other, 0), "abandoned only once");
    }

    @Test
    void aMutexOfAKilledProcessIsAbandonedAndAWaiterIsReleasedAtOnce() throws Exception
    {
        final long mutex = first.createMutex("Local\\m");
        assertEquals(WAIT_OBJECT_0, first.waitForSingleObject(mutex, 0));
        final long other = second.createMutex("Local\\m");
        final CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> second.waitForSingleObject(other, 60_000));
        first.kill();
        assertEquals(WAIT_ABANDONED, waiter.get(10, TimeUnit.SECONDS));
        assertEquals(0, first.openHandleCount(), "a killed process's handles are closed");
    }

    @Test
    void aWaitThatCannotBeSatisfiedTimesOutAndABadHandleFails()
    {
        final long event = first.createEvent("Local\\e", false);
        final long start = System.nanoTime();
        assertEquals(WAIT_TIMEOUT, first.waitForSingleObject(event, 20));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20), "waited the time given");
        assertEquals(WAIT_FAILED, first.waitForSingleObject(12345, 0));
        assertEquals(FakeWindows.ERROR_INVALID_HANDLE, first.getLastError());
    }

    @Test
    void anAutoResetEventReleasesOneWaitAndResets()
    {
        final long event = first.createEvent("Local\\e", false);
        final long other = second.createEvent("Local\\e", false);
        first.setEvent(event);
        assertEquals(WAIT_OBJECT_0, second.waitForSingleObject(other, 0));
        assertEquals(WAIT_TIMEOUT, first.waitForSingleObject(event, 0));
    }

    @Test
    void aManualResetEventStaysSignalledForEveryWait() throws Exception
    {
        final long event = first.createEvent("Local\\e", true);
        final long other = second.createEvent("Local\\e", true);
        final CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> second.waitForSingleObject(other, 60_000));
        final CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> first.waitForSingleObject(event, 60_000));
        first.setEvent(event);
        assertEquals(WAIT_OBJECT_0, a.get(10, TimeUnit.SECONDS));
        assertEquals(WAIT_OBJECT_0, b.get(10, TimeUnit.SECONDS));
        assertEquals(WAIT_OBJECT_0, first.waitForSingleObject(event, 0), "still signalled");
    }

    /** Runs {@code call} on a thread of its own, which ends afterwards. */
    private static <T> T call(final java.util.concurrent.Callable<T> call)
    {
        try
        {
            final java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(call);
            final Thread thread = new Thread(task);
            thread.start();
            thread.join();
            return task.get();
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }
}
