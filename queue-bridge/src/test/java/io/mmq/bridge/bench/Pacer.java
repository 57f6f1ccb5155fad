package io.mmq.bridge.bench;

/**
 * When the next message is due: flat out (rate 0), or on a fixed schedule of {@code rate} messages a
 * second. A sender that falls behind the schedule sends what is due at once (it does not skip). A paced
 * message's clock is the time it was due, not the time it was sent: a sender held up (a Kafka producer
 * blocked in a commit, a queue producer held back by its bridge) delays its messages, and that delay is
 * part of their latency, counted alike on every path (no coordinated omission).
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

    /**
     * @return the clock to stamp message {@code sequence} with: when it was due, or now when flat out.
     */
    long stamp(final long sequence)
    {
        return intervalNanos == 0 ? System.nanoTime() : start + sequence * intervalNanos;
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
