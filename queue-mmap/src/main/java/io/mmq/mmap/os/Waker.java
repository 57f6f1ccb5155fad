package io.mmq.mmap.os;

import java.util.Locale;

/**
 * Sleeping in the kernel until another process changes a 32-bit word in the shared mapping, and waking
 * those that sleep on it. On Linux a shared futex on the word itself; elsewhere (until each platform has
 * its own) short sleeps that re-check the word.
 */
public interface Waker
{
    /**
     * Sleeps until woken, or {@code timeoutNanos} pass, unless the int at {@code address} no longer holds
     * {@code expected}, in which case it returns at once. May return early for no reason: callers re-check.
     */
    void await(long address, int expected, long timeoutNanos);

    /**
     * Wakes every process sleeping on the int at {@code address}.
     */
    void wakeAll(long address);

    static Waker forThisPlatform()
    {
        final String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("linux"))
        {
            try
            {
                return new LinuxFutexWaker();
            }
            catch (final LinkageError | UnsupportedOperationException ex)
            {
                return new PollingWaker();
            }
        }
        return new PollingWaker();
    }
}
