package io.mmq.examples.samples.pubsub;

/**
 * Keeps the running average quantity of FILL events.
 */
final class RunningAverage implements EventService
{
    private long fills;
    private double average;

    @Override
    public void onEvent(final long sequence, final int type, final int quantity, final long latencyNanos)
    {
        if (type == Event.FILL)
        {
            fills++;
            average += (quantity - average) / fills;
        }
    }

    @Override
    public void printSummary()
    {
        System.out.printf("average FILL quantity %.2f over %,d fills%n", average, fills);
    }
}
