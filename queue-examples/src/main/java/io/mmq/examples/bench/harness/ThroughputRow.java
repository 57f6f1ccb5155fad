package io.mmq.examples.bench.harness;

import java.util.List;

/**
 * One row of the throughput table: a contender, idle strategy, size and consumer count, measured in one or
 * more rounds. Counts are every round's together; rates are the median over the rounds, as in
 * {@link LatencyRow}, with the lowest and highest rate of the slowest consumer beside them.
 */
final class ThroughputRow
{
    private final List<ThroughputResult> rounds;

    /**
     * @param rounds the row's rounds, at least one, all of the same contender, idle, size and consumer count.
     */
    ThroughputRow(final List<ThroughputResult> rounds)
    {
        if (rounds.isEmpty())
        {
            throw new IllegalArgumentException("a row needs at least one round");
        }
        this.rounds = List.copyOf(rounds);
    }

    String contender()
    {
        return rounds.get(0).contender();
    }

    boolean pointToPoint()
    {
        return rounds.get(0).pointToPoint();
    }

    IdleMode idle()
    {
        return rounds.get(0).idle();
    }

    int size()
    {
        return rounds.get(0).size();
    }

    int consumers()
    {
        return rounds.get(0).consumers();
    }

    int roundCount()
    {
        return rounds.size();
    }

    long sent()
    {
        return rounds.stream().mapToLong(ThroughputResult::sent).sum();
    }

    long leastReceived()
    {
        return rounds.stream().mapToLong(ThroughputResult::leastReceived).sum();
    }

    double slowestRate()
    {
        return Median.of(rounds, ThroughputResult::slowestRate);
    }

    double producerRate()
    {
        return Median.of(rounds, ThroughputResult::producerRate);
    }

    double bytesPerSecond()
    {
        return slowestRate() * size();
    }

    double lowestRate()
    {
        return rounds.stream().mapToDouble(ThroughputResult::slowestRate).min().orElseThrow();
    }

    double highestRate()
    {
        return rounds.stream().mapToDouble(ThroughputResult::slowestRate).max().orElseThrow();
    }
}
