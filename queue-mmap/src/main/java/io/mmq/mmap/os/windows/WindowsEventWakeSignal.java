package io.mmq.mmap.os.windows;

import java.util.concurrent.locks.LockSupport;

import io.mmq.mmap.os.WakeSignal;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link WakeSignal} as Windows named events, one per value of the counter: a sleeper that saw value
 * {@code v} waits on the manual-reset event {@code <prefix>-<signal>-<v>}, and whoever moves the counter
 * on from {@code v} sets that event. Windows has no futex across processes ({@code WaitOnAddress} works
 * within one process only); an event per value gives the same guarantee with no lost wake-up: the
 * sleeper opens the event <em>before</em> it re-reads the counter, so either it sees the counter moved
 * and does not wait, or the waker's {@code SetEvent} finds its event and wakes it. Every sleeper of one
 * value wakes, as with {@code FUTEX_WAKE} of all; the event is gone when the last of them closes it.
 */
public final class WindowsEventWakeSignal implements WakeSignal
{
    private final Kernel32Api kernel32;
    private final String eventNamePrefix;
    private final UnsafeBuffer buffer;
    private final int offset;

    /**
     * @param prefix the file's object name prefix, from {@link WindowsObjectNames#prefixFor}.
     * @param signal the signal's name in object names: {@code wake} or {@code space}.
     * @param offset where the counter is in {@code buffer}.
     */
    public WindowsEventWakeSignal(
        final Kernel32Api kernel32, final String prefix, final String signal, final UnsafeBuffer buffer, final int offset)
    {
        this.kernel32 = kernel32;
        this.eventNamePrefix = prefix + "-" + signal + "-";
        this.buffer = buffer;
        this.offset = offset;
    }

    @Override
    public void await(final int seen, final long timeoutNanos)
    {
        final long event = kernel32.createEvent(eventNameOf(seen), true);
        if (0 == event)
        {
            // No event to sleep on (out of handles?): a short nap keeps the caller's re-check loop cheap.
            LockSupport.parkNanos(Math.min(timeoutNanos, 1_000_000L));
            return;
        }
        try
        {
            if (buffer.getIntVolatile(offset) == seen)
            {
                kernel32.waitForSingleObject(event, millisOf(timeoutNanos));
            }
        }
        finally
        {
            kernel32.closeHandle(event);
        }
    }

    @Override
    public void wakeAll(final int previous)
    {
        final long event = kernel32.createEvent(eventNameOf(previous), true);
        if (0 != event)
        {
            kernel32.setEvent(event);
            kernel32.closeHandle(event);
        }
    }

    private String eventNameOf(final int value)
    {
        return eventNamePrefix + Integer.toUnsignedString(value);
    }

    /** Rounded up, so a short wait still waits; capped below {@code INFINITE}. */
    private static int millisOf(final long nanos)
    {
        return (int)Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }
}
