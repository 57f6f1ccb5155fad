package io.mmq.mmap.os;

/**
 * The cross-process locks of one queue file, as seen by this process: locks that the OS releases when
 * their holder dies, however it dies. mmq takes them only where a compare-and-swap cannot do the job (a
 * reader without CAS, a dead holder to detect), never on the publish or poll path, and never waits on
 * them: every acquisition is a try, so a stuck process cannot hang another one.
 *
 * <p>One instance per queue file per process: locks are held by the process, and a lock this process
 * already holds is reported as held, never handed out twice, whichever thread asks.
 *
 * @see FileRangeLocks POSIX record locks (Linux, macOS) on bytes beyond the end of the file
 * @see io.mmq.mmap.os.windows.WindowsMutexLocks Windows named mutexes
 */
public interface ProcessLocks extends AutoCloseable
{
    /**
     * Takes lock {@code id} if no live holder has it, without waiting. A holder that died has no hold: on
     * Windows its mutex is abandoned, which counts as free.
     *
     * @return the lock, or {@code null} if a live process (this one included) holds it.
     */
    HeldLock tryLock(LockId id);

    /** Releases whatever this process still holds and frees the OS resources behind these locks. */
    @Override
    void close();
}
