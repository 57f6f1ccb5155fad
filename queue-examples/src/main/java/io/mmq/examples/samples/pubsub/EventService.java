package io.mmq.examples.samples.pubsub;

/**
 * What a subscriber service does with each event. Each service runs in its own JVM and sees every event.
 */
interface EventService
{
    void onEvent(long sequence, int type, int quantity, long latencyNanos);

    /**
     * Prints what the service made of the events, at the end.
     */
    void printSummary();

    static EventService named(final String name)
    {
        switch (name)
        {
            case "counter":
                return new TypeCounter();
            case "average":
                return new RunningAverage();
            case "logger":
                return new SampledLogger(50_000);
            default:
                throw new IllegalArgumentException("no service named " + name + ": counter, average or logger");
        }
    }
}
