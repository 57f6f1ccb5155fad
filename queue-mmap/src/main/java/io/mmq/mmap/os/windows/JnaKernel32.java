package io.mmq.mmap.os.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;

/**
 * {@link Kernel32Api} on the real Kernel32, through jna-platform. Only loaded on Windows.
 */
public final class JnaKernel32 implements Kernel32Api
{
    private final Kernel32 kernel32 = Kernel32.INSTANCE;

    @Override
    public long createMutex(final String name)
    {
        return valueOf(kernel32.CreateMutex(null, false, name));
    }

    @Override
    public boolean releaseMutex(final long handle)
    {
        return kernel32.ReleaseMutex(handleOf(handle));
    }

    @Override
    public long createEvent(final String name, final boolean manualReset)
    {
        return valueOf(kernel32.CreateEvent(null, manualReset, false, name));
    }

    @Override
    public boolean setEvent(final long handle)
    {
        return kernel32.SetEvent(handleOf(handle));
    }

    @Override
    public int waitForSingleObject(final long handle, final int millis)
    {
        return kernel32.WaitForSingleObject(handleOf(handle), millis);
    }

    @Override
    public boolean closeHandle(final long handle)
    {
        return kernel32.CloseHandle(handleOf(handle));
    }

    @Override
    public int getLastError()
    {
        return Native.getLastError();
    }

    private static long valueOf(final HANDLE handle)
    {
        return null == handle ? 0 : Pointer.nativeValue(handle.getPointer());
    }

    private static HANDLE handleOf(final long value)
    {
        return new HANDLE(new Pointer(value));
    }
}
