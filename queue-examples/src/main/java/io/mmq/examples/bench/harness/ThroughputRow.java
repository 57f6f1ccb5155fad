package io.mmq.examples.bench.harness;

import java.util.Comparator;
import java.util.List;

/**
 * One row of the throughput table: a contender, idle strategy, size and consumer count, measured in one or
 * more rounds. Counts are every round's together; rates are the median over the rounds, as in
 * {@link LatencyRow}, with the lowest and highest rate of the slowest consumer beside them, and the row's
 * {@link #bestRound() best round}, the one with the highest rate, as the fairest estimate on a machine that
 * can slow a round down but not speed it up. Public, like {@link LatencyRow}, so that the bench tests can
 * build a row from made-up rounds.
 */
public final class ThroughputRow
{
    private final List<ThroughputResult> rounds;

    /**
     * @param rounds the row's rounds, at least one, all of the same contender, idle, size and consumer count.
     */
    public ThroughputRow(final List<ThroughputResult> rounds)
    {
        if (rounds.isEmpty())
        {
            throw new IllegalArgumentException("a row needs at least one round");
        }
        this.rounds = List.copyOf(rounds);
    }

    public String contender()
    {
        return rounds.get(0).contender();
    }

    public boolean pointToPoint()
    {
        return rounds.get(0).pointToPoint();
    }

    public IdleMode idle()
    {
        return rounds.get(0).idle();
    }

    public int size()
    {
        return rounds.get(0).size();
    }

    public int consumers()
    {
        return rounds.get(0).consumers();
    }

    public int roundCount()
    {
        return rounds.size();
    }

    public long sent()
    {
        return rounds.stream().mapToLong(ThroughputResult::sent).sum();
    }

    public long leastReceived()
    {
        return rounds.stream().mapToLong(ThroughputResult::leastReceived).sum();
    }

    public double slowestRate()
    {
        return Median.of(rounds, ThroughputResult::slowestRate);
    }

    public double producerRate()
    {
        return Median.of(rounds, ThroughputResult::producerRate);
    }

    public double bytesPerSecond()
    {
        return slowestRate() * size();
    }

    public double lowestRate()
    {
        return rounds.stream().mapToDouble(ThroughputResult::slowestRate).min().orElseThrow();
    }

    public double highestRate()
    {
        return rounds.stream().mapToDouble(ThroughputResult::slowestRate).max().orElseThrow();
    }

    /**
     * @return the round whose slowest consumer was fastest; of equal ones, the earliest. All the row's
     *         best-round figures, the producer's rate included, are this one round's.
     */
    public ThroughputResult bestRound()
    {
        // Stream.max keeps the first of equal ones.
        return rounds.stream().max(Comparator.comparingDouble(ThroughputResult::slowestRate)).orElseThrow();
    }
}
