package io.mmq.mmap.os;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * For platforms without a native wake-up (macOS, other Unixes): sleeps in steps of at most 1 ms,
 * returning as soon as the counter moves. Uses little CPU, but wakes up to a millisecond late.
 */
final class PollingWakeSignal implements WakeSignal
{
    private static final long STEP_NANOS = 1_000_000L;

    private final UnsafeBuffer buffer;
    private final int offset;

    PollingWakeSignal(final UnsafeBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
    }

    @Override
    public void await(final int seen, final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        long left = timeoutNanos;
        while (left > 0 && buffer.getIntVolatile(offset) == seen && !Thread.currentThread().isInterrupted())
        {
            LockSupport.parkNanos(Math.min(STEP_NANOS, left));
            left = deadline - System.nanoTime();
        }
    }

    @Override
    public void wakeAll(final int previous)
    {
        // Sleepers look at the counter themselves.
    }
}
