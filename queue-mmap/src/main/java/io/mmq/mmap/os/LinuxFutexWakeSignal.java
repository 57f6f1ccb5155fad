package io.mmq.mmap.os;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@code futex(2)} on the counter itself, through JNA. The shared (not {@code _PRIVATE}) operations key
 * the wait queue on the underlying page of the file, so processes that map the same file, in or out of
 * containers, meet on the same word. The Python reader makes the same calls through {@code ctypes}.
 */
final class LinuxFutexWakeSignal implements WakeSignal
{
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final long FUTEX_SYSCALL = futexSyscallNumber();

    interface LibC extends Library
    {
        LibC INSTANCE = Native.load("c", LibC.class);

        long syscall(long number, Pointer address, int operation, int value, Pointer timeout, Pointer address2, int value3);
    }

    private final Pointer word;

    /** The timespec of a wait; an instance belongs to one sleeper, used by one thread at a time. */
    private final Memory timeout = new Memory(16);

    LinuxFutexWakeSignal(final long address)
    {
        this.word = new Pointer(address);
    }

    /**
     * @throws UnsupportedOperationException on a processor whose futex system call number is not known here.
     * @throws LinkageError if the C library cannot be loaded.
     */
    static void checkAvailable()
    {
        if (FUTEX_SYSCALL < 0)
        {
            throw new UnsupportedOperationException("no futex syscall number known for " + System.getProperty("os.arch"));
        }
        LibC.INSTANCE.getClass();
    }

    private static long futexSyscallNumber()
    {
        return switch (System.getProperty("os.arch"))
        {
            case "amd64", "x86_64" -> 202;
            case "aarch64" -> 98;
            default -> -1;
        };
    }

    @Override
    public void await(final int seen, final long timeoutNanos)
    {
        timeout.setLong(0, timeoutNanos / 1_000_000_000L);
        timeout.setLong(8, timeoutNanos % 1_000_000_000L);
        // Returns 0 when woken, or -1 with EAGAIN (the word moved), ETIMEDOUT or EINTR: all mean "re-check".
        LibC.INSTANCE.syscall(FUTEX_SYSCALL, word, FUTEX_WAIT, seen, timeout, null, 0);
    }

    @Override
    public void wakeAll(final int previous)
    {
        LibC.INSTANCE.syscall(FUTEX_SYSCALL, word, FUTEX_WAKE, Integer.MAX_VALUE, null, null, 0);
    }
}
