package io.mmq.mmap.os.windows;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.mmq.MmqException;
import io.mmq.mmap.os.HeldLock;
import io.mmq.mmap.os.LockId;
import io.mmq.mmap.os.ProcessLocks;
import io.mmq.mmap.os.Uninterruptibly;

import static io.mmq.mmap.os.windows.Kernel32Api.WAIT_ABANDONED;
import static io.mmq.mmap.os.windows.Kernel32Api.WAIT_OBJECT_0;
import static io.mmq.mmap.os.windows.Kernel32Api.WAIT_TIMEOUT;

/**
 * {@link ProcessLocks} as Windows named mutexes, one per lock, named by {@link WindowsObjectNames}.
 *
 * <p>A Windows mutex belongs to the thread that acquired it, not to the process, and is abandoned when
 * that thread ends. mmq holds locks for as long as a producer or consumer lives, whichever threads use
 * it, so every mutex call of this process goes through one keeper thread that lives as long as these
 * locks: the mutexes are abandoned only when the process dies, exactly like POSIX record locks.
 *
 * <p>Two more Windows facts shape the code. A mutex is recursive for its owner, so a second acquisition
 * by the keeper would succeed: the keeper remembers what it holds and reports those as held. And
 * {@code WAIT_ABANDONED} means the previous holder died while holding it: the caller now owns it and must
 * treat it as acquired, which is what the protocols expect (a taken producer lock recovers the tail, a
 * taken slot lock marks its holder dead).
 */
public final class WindowsMutexLocks implements ProcessLocks
{
    private final Kernel32Api kernel32;
    private final String prefix;
    private final ExecutorService keeper;

    /** The mutexes the keeper owns, by lock name. Touched only on the keeper thread. */
    private final Map<String, Long> held = new HashMap<>();

    /**
     * @param prefix the file's object name prefix, from {@link WindowsObjectNames#prefixFor}.
     */
    public WindowsMutexLocks(final Kernel32Api kernel32, final String prefix)
    {
        this.kernel32 = kernel32;
        this.prefix = prefix;
        this.keeper = Executors.newSingleThreadExecutor(task ->
        {
            final Thread thread = new Thread(task, "mmq-mutex-keeper " + prefix);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public HeldLock tryLock(final LockId id)
    {
        return onKeeper(() -> tryLockOnKeeper(id));
    }

    private HeldLock tryLockOnKeeper(final LockId id)
    {
        if (held.containsKey(id.name()))
        {
            return null; // ours already; taking it again would only count up the recursion
        }
        final String name = prefix + "-" + id.name();
        final long handle = kernel32.createMutex(name);
        if (0 == handle)
        {
            throw new MmqException("could not open the named mutex " + name + " (Windows error " +
                kernel32.getLastError() + ")");
        }
        final int result = kernel32.waitForSingleObject(handle, 0);
        if (WAIT_OBJECT_0 == result || WAIT_ABANDONED == result)
        {
            held.put(id.name(), handle);
            return () -> release(id);
        }
        final int error = kernel32.getLastError();
        kernel32.closeHandle(handle);
        if (WAIT_TIMEOUT == result)
        {
            return null;
        }
        throw new MmqException("could not try the named mutex " + name + " (wait result " + result +
            ", Windows error " + error + ")");
    }

    private void release(final LockId id)
    {
        onKeeper(() ->
        {
            final Long handle = held.remove(id.name());
            if (null == handle)
            {
                throw new IllegalStateException("the " + id.name() + " lock of " + prefix + " is not held");
            }
            releaseOnKeeper(id.name(), handle);
            return null;
        });
    }

    private void releaseOnKeeper(final String name, final long handle)
    {
        final boolean released = kernel32.releaseMutex(handle);
        final int error = released ? 0 : kernel32.getLastError();
        kernel32.closeHandle(handle);
        if (!released)
        {
            throw new MmqException("could not release the named mutex " + prefix + "-" + name +
                " (Windows error " + error + ")");
        }
    }

    /** Releases every mutex still held and ends the keeper thread. */
    @Override
    public void close()
    {
        if (keeper.isShutdown())
        {
            return;
        }
        onKeeper(() ->
        {
            held.forEach(this::releaseOnKeeper);
            held.clear();
            return null;
        });
        keeper.shutdown();
    }

    /**
     * Runs {@code call} on the keeper and waits for it, through interrupts: a mutex the keeper took must
     * reach its caller, or nobody could release it. The interrupt is kept for the caller to see.
     */
    private <T> T onKeeper(final Callable<T> call)
    {
        try
        {
            return Uninterruptibly.get(keeper.submit(call));
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof RuntimeException runtime)
            {
                throw runtime;
            }
            throw new MmqException("the mutex keeper of " + prefix + " failed", ex.getCause());
        }
    }
}
