package io.mmq.examples.bench.harness;

/**
 * One one-way run, one round of a {@link ThroughputRow}: a producer and its consumers. Public, like
 * {@link LatencyResult}, so that the bench tests can make one up.
 *
 * @param contender        the contender's name.
 * @param pointToPoint     whether the contender has one consumer at most.
 * @param idle             how every side waited.
 * @param size             bytes per message.
 * @param consumers        how many consumers read every message.
 * @param sent             messages the producer sent, warm-up included.
 * @param leastReceived    the fewest messages any consumer received: equal to {@code sent} in a good run.
 * @param producerRate     messages per second the producer published in the measured phase.
 * @param slowestRate      messages per second of the slowest consumer in the measured phase.
 */
public record ThroughputResult(String contender, boolean pointToPoint, IdleMode idle, int size, int consumers, long sent,
    long leastReceived, double producerRate, double slowestRate)
{
    public double bytesPerSecond()
    {
        return slowestRate * size;
    }
}
