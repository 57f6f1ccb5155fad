package io.mmq.mmap.os;

import java.util.concurrent.locks.LockSupport;

import org.agrona.UnsafeApi;

/**
 * For platforms without a native waker yet: sleeps in steps of at most 1 ms, returning as soon as the
 * word changes. Uses little CPU, but wakes up to a millisecond late.
 */
final class PollingWaker implements Waker
{
    private static final long STEP_NANOS = 1_000_000L;

    @Override
    public void await(final long address, final int expected, final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        long left = timeoutNanos;
        while (left > 0 && UnsafeApi.getIntVolatile(null, address) == expected && !Thread.currentThread().isInterrupted())
        {
            LockSupport.parkNanos(Math.min(STEP_NANOS, left));
            left = deadline - System.nanoTime();
        }
    }

    @Override
    public void wakeAll(final long address)
    {
        // Sleepers look at the word themselves.
    }
}
