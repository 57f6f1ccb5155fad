package io.mmq.mmap.os;

/**
 * A cross-process lock this process holds. The OS releases it if the process dies; {@link #release()}
 * gives it back earlier.
 */
public interface HeldLock
{
    /** Gives the lock back; once released it must not be released again. */
    void release();
}
