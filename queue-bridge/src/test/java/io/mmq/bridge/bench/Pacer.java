package io.mmq.bridge.bench;

/**
 * When the next message is due: flat out (rate 0), or on a fixed schedule of {@code rate} messages a
 * second. A sender that falls behind the schedule sends what is due at once (it does not skip), and each
 * message's clock is read when it is actually sent, so latency is measured from the send.
 */
final class Pacer
{
    private final long intervalNanos;
    private final long start;

    Pacer(final long rate)
    {
        this.intervalNanos = rate <= 0 ? 0 : 1_000_000_000L / rate;
        this.start = System.nanoTime();
    }

    /** @return whether message {@code sequence} (from 0) is due now. */
    boolean due(final long sequence)
    {
        return intervalNanos == 0 || System.nanoTime() - start >= sequence * intervalNanos;
    }

    /** Waits until message {@code sequence} is due. */
    void awaitDue(final long sequence)
    {
        while (!due(sequence))
        {
            Thread.onSpinWait();
        }
    }
}
