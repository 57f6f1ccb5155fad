package io.mmq.mmap.os.windows;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory model of the Kernel32 semantics mmq relies on, so the real Windows classes can be tested
 * on every platform. One {@code FakeWindows} is one machine's (one session's) namespace of named kernel
 * objects; each {@link Process} is a process on it with its own handle table, and implements
 * {@link Kernel32Api} for the threads that run "in" it.
 *
 * <p>Modelled, after Microsoft's documentation of {@code CreateMutexW}, {@code ReleaseMutex},
 * {@code CreateEventW}, {@code SetEvent}, {@code WaitForSingleObject} and {@code CloseHandle}:
 * <ul>
 *   <li>a name denotes one object machine-wide while any handle to it is open; a create call on an
 *       existing name opens it and sets {@code ERROR_ALREADY_EXISTS}; the last close destroys it;</li>
 *   <li>a mutex is owned by a thread, recursively (each successful wait by the owner counts once more,
 *       and needs one more release); {@code ReleaseMutex} by another thread fails with
 *       {@code ERROR_NOT_OWNER};</li>
 *   <li>a mutex whose owner thread ends, or whose owner process is killed, is abandoned: the next wait
 *       gets {@code WAIT_ABANDONED} and ownership;</li>
 *   <li>an auto-reset event releases one wait and resets itself; a manual-reset event stays signalled
 *       and releases every wait;</li>
 *   <li>a wait that cannot be satisfied in time returns {@code WAIT_TIMEOUT}; a bad handle,
 *       {@code WAIT_FAILED} with {@code ERROR_INVALID_HANDLE}.</li>
 * </ul>
 * Not modelled: security, handle inheritance, other object types, alertable waits.
 */
public final class FakeWindows
{
    static final int ERROR_INVALID_HANDLE = 6;

    /** How often blocked waits look for owner threads that ended, which Windows notices at once. */
    private static final long DEAD_OWNER_CHECK_MILLIS = 2;

    private final Map<String, KernelObject> namespace = new HashMap<>();
    private long nextHandle = 4;

    /** A new process on this machine. */
    public Process startProcess(final String name)
    {
        return new Process(name);
    }

    /** How many named objects exist now (to check that nothing leaks). */
    public synchronized int namedObjectCount()
    {
        return namespace.size();
    }

    /** How many handles are open to the named object, in all processes; 0 if it does not exist. */
    public synchronized int handlesOf(final String name)
    {
        final KernelObject object = namespace.get(name);
        return null == object ? 0 : object.handles;
    }

    private abstract static class KernelObject
    {
        final String name;
        int handles;

        KernelObject(final String name)
        {
            this.name = name;
        }
    }

    private static final class Mutex extends KernelObject
    {
        Process ownerProcess;
        Thread ownerThread;
        int recursion;
        boolean abandoned;

        Mutex(final String name)
        {
            super(name);
        }

        boolean ownedByLiveThread()
        {
            return null != ownerThread && ownerThread.isAlive();
        }
    }

    private static final class Event extends KernelObject
    {
        final boolean manualReset;
        boolean signalled;

        Event(final String name, final boolean manualReset)
        {
            super(name);
            this.manualReset = manualReset;
        }
    }

    /** A process: a handle table, a per-thread last error, and a way to die. */
    public final class Process implements Kernel32Api
    {
        private final String name;
        private final Map<Long, KernelObject> handles = new HashMap<>();
        private final ThreadLocal<Integer> lastError = ThreadLocal.withInitial(() -> 0);
        private boolean killed;

        private Process(final String name)
        {
            this.name = name;
        }

        /**
         * {@code TerminateProcess}: every mutex its threads own is abandoned and every handle it has is
         * closed. Its threads may run on in the test, but every call they make fails.
         */
        public void kill()
        {
            synchronized (FakeWindows.this)
            {
                killed = true;
                for (final KernelObject object : namespace.values())
                {
                    if (object instanceof Mutex mutex && mutex.ownerProcess == this)
                    {
                        abandon(mutex);
                    }
                }
                for (final long handle : handles.keySet().toArray(new Long[0]))
                {
                    closeHandle(handle);
                }
                FakeWindows.this.notifyAll();
            }
        }

        @Override
        public long createMutex(final String objectName)
        {
            return open(objectName, Mutex.class, () -> new Mutex(objectName));
        }

        @Override
        public long createEvent(final String objectName, final boolean manualReset)
        {
            return open(objectName, Event.class, () -> new Event(objectName, manualReset));
        }

        private long open(final String objectName, final Class<? extends KernelObject> type,
            final java.util.function.Supplier<KernelObject> create)
        {
            synchronized (FakeWindows.this)
            {
                checkAlive();
                KernelObject object = namespace.get(objectName);
                if (null == object)
                {
                    object = create.get();
                    namespace.put(objectName, object);
                    lastError.set(0);
                }
                else if (!type.isInstance(object))
                {
                    lastError.set(ERROR_INVALID_HANDLE);
                    return 0;
                }
                else
                {
                    lastError.set(ERROR_ALREADY_EXISTS);
                }
                object.handles++;
                final long handle = nextHandle;
                nextHandle += 4;
                handles.put(handle, object);
                return handle;
            }
        }

        @Override
        public boolean releaseMutex(final long handle)
        {
            synchronized (FakeWindows.this)
            {
                checkAlive();
                if (!(handles.get(handle) instanceof Mutex mutex))
                {
                    lastError.set(ERROR_INVALID_HANDLE);
                    return false;
                }
                if (mutex.ownerThread != Thread.currentThread() || mutex.ownerProcess != this)
                {
                    lastError.set(ERROR_NOT_OWNER);
                    return false;
                }
                if (--mutex.recursion == 0)
                {
                    mutex.ownerThread = null;
                    mutex.ownerProcess = null;
                    FakeWindows.this.notifyAll();
                }
                return true;
            }
        }

        @Override
        public boolean setEvent(final long handle)
        {
            synchronized (FakeWindows.this)
            {
                checkAlive();
                if (!(handles.get(handle) instanceof Event event))
                {
                    lastError.set(ERROR_INVALID_HANDLE);
                    return false;
                }
                event.signalled = true;
                FakeWindows.this.notifyAll();
                return true;
            }
        }

        @Override
        public int waitForSingleObject(final long handle, final int millis)
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            synchronized (FakeWindows.this)
            {
                checkAlive();
                final KernelObject object = handles.get(handle);
                if (null == object)
                {
                    lastError.set(ERROR_INVALID_HANDLE);
                    return WAIT_FAILED;
                }
                while (true)
                {
                    final int result = object instanceof Mutex mutex ? tryAcquire(mutex) : tryConsume((Event)object);
                    if (WAIT_TIMEOUT != result)
                    {
                        return result;
                    }
                    final long leftNanos = deadline - System.nanoTime();
                    if (leftNanos <= 0)
                    {
                        return WAIT_TIMEOUT;
                    }
                    try
                    {
                        TimeUnit.NANOSECONDS.timedWait(FakeWindows.this,
                            Math.min(leftNanos, TimeUnit.MILLISECONDS.toNanos(DEAD_OWNER_CHECK_MILLIS)));
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt(); // Windows waits are not interruptible either
                        return WAIT_TIMEOUT;
                    }
                    checkAlive();
                }
            }
        }

        private int tryAcquire(final Mutex mutex)
        {
            if (mutex.ownerThread == Thread.currentThread() && mutex.ownerProcess == this)
            {
                mutex.recursion++;
                return WAIT_OBJECT_0;
            }
            if (null != mutex.ownerThread && !mutex.ownedByLiveThread())
            {
                abandon(mutex);
            }
            if (null != mutex.ownerThread)
            {
                return WAIT_TIMEOUT;
            }
            mutex.ownerThread = Thread.currentThread();
            mutex.ownerProcess = this;
            mutex.recursion = 1;
            final boolean wasAbandoned = mutex.abandoned;
            mutex.abandoned = false;
            return wasAbandoned ? WAIT_ABANDONED : WAIT_OBJECT_0;
        }

        private int tryConsume(final Event event)
        {
            if (!event.signalled)
            {
                return WAIT_TIMEOUT;
            }
            if (!event.manualReset)
            {
                event.signalled = false;
            }
            return WAIT_OBJECT_0;
        }

        @Override
        public boolean closeHandle(final long handle)
        {
            synchronized (FakeWindows.this)
            {
                final KernelObject object = handles.remove(handle);
                if (null == object)
                {
                    lastError.set(ERROR_INVALID_HANDLE);
                    return false;
                }
                if (--object.handles == 0)
                {
                    namespace.remove(object.name);
                }
                return true;
            }
        }

        @Override
        public int getLastError()
        {
            return lastError.get();
        }

        /** How many handles this process has open (to check that nothing leaks). */
        public int openHandleCount()
        {
            synchronized (FakeWindows.this)
            {
                return handles.size();
            }
        }

        private void checkAlive()
        {
            if (killed)
            {
                throw new IllegalStateException("process " + name + " was killed");
            }
        }

        @Override
        public String toString()
        {
            return name;
        }
    }

    private static void abandon(final Mutex mutex)
    {
        mutex.ownerThread = null;
        mutex.ownerProcess = null;
        mutex.recursion = 0;
        mutex.abandoned = true;
    }
}
