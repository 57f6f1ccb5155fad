package io.mmq.examples.samples.pubsub;

/**
 * Logs one event in every {@code every}, with how long it took to get here from the publisher.
 */
final class SampledLogger implements EventService
{
    private final long every;
    private long logged;

    SampledLogger(final long every)
    {
        this.every = every;
    }

    @Override
    public void onEvent(final long sequence, final int type, final int quantity, final long latencyNanos)
    {
        if (sequence % every == 0)
        {
            logged++;
            System.out.printf("event #%,d: %s %d, received %.1f us after it was published%n",
                sequence, Event.TYPE_NAMES[type], quantity, latencyNanos / 1e3);
        }
    }

    @Override
    public void printSummary()
    {
        System.out.printf("logged %d events, one in %,d%n", logged, every);
    }
}
