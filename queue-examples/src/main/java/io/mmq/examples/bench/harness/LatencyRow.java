package io.mmq.examples.bench.harness;

import java.util.List;

/**
 * One row of the latency table: a contender, idle strategy and size, measured in one or more rounds. Each
 * number is the median over the rounds of that number, percentile by percentile, so that a round caught
 * in the machine's slow or fast mode does not decide the row; the lowest and highest p50 of the rounds
 * show when the modes were mixed. Public so that the bench tests can build a row from made-up rounds.
 */
public final class LatencyRow
{
    private final List<LatencyResult> rounds;

    /**
     * @param rounds the row's rounds, at least one, all of the same contender, idle strategy and size.
     */
    public LatencyRow(final List<LatencyResult> rounds)
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

    public IdleMode idle()
    {
        return rounds.get(0).idle();
    }

    public int size()
    {
        return rounds.get(0).size();
    }

    public int roundCount()
    {
        return rounds.size();
    }

    /**
     * @return the measured round trips of every round together: how much the row stands on.
     */
    public long roundTrips()
    {
        return rounds.stream().mapToLong(round -> round.histogram().getTotalCount()).sum();
    }

    public double micros(final double percentile)
    {
        return Median.of(rounds, round -> round.micros(percentile));
    }

    public double maxMicros()
    {
        return Median.of(rounds, LatencyResult::maxMicros);
    }

    /**
     * @return the median of the rounds' idle CPU; NaN if not measured.
     */
    public double idleCpuPercent()
    {
        return Median.of(rounds, LatencyResult::idleCpuPercent);
    }

    public double lowestP50Micros()
    {
        return rounds.stream().mapToDouble(round -> round.micros(50)).min().orElseThrow();
    }

    public double highestP50Micros()
    {
        return rounds.stream().mapToDouble(round -> round.micros(50)).max().orElseThrow();
    }

    /**
     * @return the round whose p50 is the median (the lower of the two middle ones for an even count). Its
     *         histogram is the row's {@code .hgrm} file and plot line: a distribution that was measured, which
     *         the medians of each percentile, taken from different rounds, are not.
     */
    public LatencyResult medianRound()
    {
        return Median.round(rounds, round -> round.micros(50));
    }
}
