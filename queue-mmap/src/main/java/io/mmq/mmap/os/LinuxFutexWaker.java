package io.mmq.mmap.os;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@code futex(2)} on a word of the shared mapping, through JNA. The shared (not {@code _PRIVATE})
 * operations key the wait queue on the underlying page, so processes that map the same file, in or out
 * of containers, meet on the same word.
 */
final class LinuxFutexWaker implements Waker
{
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;

    interface LibC extends Library
    {
        LibC INSTANCE = Native.load("c", LibC.class);

        long syscall(long number, Pointer address, int operation, int value, Pointer timeout, Pointer address2, int value3);
    }

    private final long futexSyscall;

    /** One timespec per waker; a waker belongs to one consumer, used by one thread at a time. */
    private final Memory timeout = new Memory(16);

    LinuxFutexWaker()
    {
        final String arch = System.getProperty("os.arch");
        if ("amd64".equals(arch) || "x86_64".equals(arch))
        {
            futexSyscall = 202;
        }
        else if ("aarch64".equals(arch))
        {
            futexSyscall = 98;
        }
        else
        {
            throw new UnsupportedOperationException("no futex syscall number known for " + arch);
        }
        LibC.INSTANCE.getClass();
    }

    @Override
    public void await(final long address, final int expected, final long timeoutNanos)
    {
        timeout.setLong(0, timeoutNanos / 1_000_000_000L);
        timeout.setLong(8, timeoutNanos % 1_000_000_000L);
        // Returns 0 when woken, or -1 with EAGAIN (the word changed), ETIMEDOUT or EINTR: all mean "re-check".
        LibC.INSTANCE.syscall(futexSyscall, new Pointer(address), FUTEX_WAIT, expected, timeout, null, 0);
    }

    @Override
    public void wakeAll(final long address)
    {
        LibC.INSTANCE.syscall(futexSyscall, new Pointer(address), FUTEX_WAKE, Integer.MAX_VALUE, null, null, 0);
    }
}
