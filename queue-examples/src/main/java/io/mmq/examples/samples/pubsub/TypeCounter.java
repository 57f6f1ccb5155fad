package io.mmq.examples.samples.pubsub;

/**
 * Counts events by type.
 */
final class TypeCounter implements EventService
{
    private final long[] counts = new long[Event.TYPE_NAMES.length];

    @Override
    public void onEvent(final long sequence, final int type, final int quantity, final long latencyNanos)
    {
        counts[type]++;
    }

    @Override
    public void printSummary()
    {
        final StringBuilder line = new StringBuilder("counted");
        for (int type = 0; type < counts.length; type++)
        {
            line.append(String.format(" %s %,d", Event.TYPE_NAMES[type], counts[type]));
        }
        System.out.println(line);
    }
}
