package io.mmq.mmap.os;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link Coordination} on POSIX systems: record locks on the file, and futexes where the kernel has them
 * (Linux), polling sleeps elsewhere.
 */
final class PosixCoordination implements Coordination
{
    private final ProcessLocks locks;
    private final UnsafeBuffer buffer;
    private final boolean futex;

    PosixCoordination(final ProcessLocks locks, final UnsafeBuffer buffer, final boolean futex)
    {
        this.locks = locks;
        this.buffer = buffer;
        this.futex = futex;
    }

    @Override
    public ProcessLocks locks()
    {
        return locks;
    }

    @Override
    public WakeSignal newWakeSignal(final int offset, final String name)
    {
        return futex ? new LinuxFutexWakeSignal(buffer.addressOffset() + offset) : new PollingWakeSignal(buffer, offset);
    }

    @Override
    public void close()
    {
        locks.close();
    }
}
