package io.mmq.mmap.os.windows;

import io.mmq.mmap.os.Coordination;
import io.mmq.mmap.os.ProcessLocks;
import io.mmq.mmap.os.WakeSignal;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@link Coordination} on Windows: named mutexes for the locks, named events for the wake-ups, all named
 * from the file by {@link WindowsObjectNames}.
 */
public final class WindowsCoordination implements Coordination
{
    private final Kernel32Api kernel32;
    private final String prefix;
    private final UnsafeBuffer buffer;
    private final WindowsMutexLocks locks;

    public WindowsCoordination(final Kernel32Api kernel32, final String prefix, final UnsafeBuffer buffer)
    {
        this.kernel32 = kernel32;
        this.prefix = prefix;
        this.buffer = buffer;
        this.locks = new WindowsMutexLocks(kernel32, prefix);
    }

    @Override
    public ProcessLocks locks()
    {
        return locks;
    }

    @Override
    public WakeSignal newWakeSignal(final int offset, final String name)
    {
        return new WindowsEventWakeSignal(kernel32, prefix, name, buffer, offset);
    }

    @Override
    public void close()
    {
        locks.close();
    }
}
