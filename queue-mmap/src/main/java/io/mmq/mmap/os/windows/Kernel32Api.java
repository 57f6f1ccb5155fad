package io.mmq.mmap.os.windows;

/**
 * The few Kernel32 calls mmq's Windows coordination makes, as an interface so that tests on every
 * platform can run the real Windows classes against a model of these semantics. Handles are opaque
 * {@code long}s; {@code 0} is the null handle. Each method mirrors one Win32 function, with the
 * arguments mmq never varies fixed (default security, not initially owned, not initially signalled).
 */
public interface Kernel32Api
{
    /** {@code WaitForSingleObject}: the object was signalled (a mutex: now owned by the caller). */
    int WAIT_OBJECT_0 = 0x0000_0000;

    /** {@code WaitForSingleObject}: the mutex's owner thread ended without releasing it; the caller owns it now. */
    int WAIT_ABANDONED = 0x0000_0080;

    /** {@code WaitForSingleObject}: the time ran out; nothing changed. */
    int WAIT_TIMEOUT = 0x0000_0102;

    /** {@code WaitForSingleObject}: the call failed; {@link #getLastError()} says why. */
    int WAIT_FAILED = 0xFFFF_FFFF;

    /** {@code GetLastError} after a create call that opened an object that already existed. */
    int ERROR_ALREADY_EXISTS = 183;

    /** {@code GetLastError} after {@code ReleaseMutex} by a thread that does not own the mutex. */
    int ERROR_NOT_OWNER = 288;

    /** {@code CreateMutexW(NULL, FALSE, name)}: creates the named mutex, or opens it if it exists. */
    long createMutex(String name);

    /** {@code ReleaseMutex}: gives up one level of the calling thread's ownership. */
    boolean releaseMutex(long handle);

    /** {@code CreateEventW(NULL, manualReset, FALSE, name)}: creates the named event, or opens it if it exists. */
    long createEvent(String name, boolean manualReset);

    /** {@code SetEvent}. */
    boolean setEvent(long handle);

    /** {@code WaitForSingleObject}; {@code millis} never {@code INFINITE} here. */
    int waitForSingleObject(long handle, int millis);

    /** {@code CloseHandle}: a named object ends with its last handle. */
    boolean closeHandle(long handle);

    /** {@code GetLastError} of the calling thread's last call. */
    int getLastError();
}
