package io.mmq.mmap.os;

/**
 * A 32-bit counter in the shared mapping that processes sleep on until it moves: the Wake Signal that
 * idle consumers sleep on, and the Space Signal that a producer blocked on a full ring sleeps on
 * ({@code docs/format.md}, "Sleeping and waking"). Whoever moves the counter on calls {@link #wakeAll}
 * afterwards; a sleeper reads the counter, makes sure it still has reason to sleep, then calls
 * {@link #await} with the value it read, which returns at once if the counter has moved since.
 *
 * <p>One instance per sleeper: an instance may keep per-call scratch memory, so it is used by one
 * thread at a time.
 */
public interface WakeSignal
{
    /**
     * Sleeps until the counter no longer holds {@code seen} and its mover calls {@link #wakeAll}, or
     * {@code timeoutNanos} pass. May return early for no reason: callers re-check what they wait for.
     */
    void await(int seen, long timeoutNanos);

    /**
     * Wakes every process sleeping on this signal. Called right after moving the counter on from
     * {@code previous}; only sleepers that saw {@code previous} can be asleep.
     */
    void wakeAll(int previous);
}
