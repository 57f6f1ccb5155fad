package io.mmq.examples.bench.harness;

import java.util.Comparator;
import java.util.List;

/**
 * One row of the latency table: a contender, idle strategy and size, measured in one or more rounds. Each
 * number is the median over the rounds of that number, percentile by percentile, so that a round caught
 * in the machine's slow or fast mode does not decide the row; the lowest and highest p50 of the rounds
 * show when the modes were mixed. Beside the medians, the row's {@link #bestRound() best round}, the one
 * with the lowest p50: the machine can slow a round down but not speed it up, so the best round is the
 * fairest estimate of what the contender's code can do when the median is a vote between the machine's
 * speeds. Public so that the bench tests can build a row from made-up rounds.
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
     * @return the round with the lowest p50; of rounds with the same p50, the one with the lowest p99, then
     *         the earliest. Its p50, p99 and p99.9 are the row's best-round figures: one measured round, not
     *         the lowest of each percentile, which could come from different rounds.
     */
    public LatencyResult bestRound()
    {
        return rounds.stream().min(Comparator.<LatencyResult>comparingDouble(round -> round.micros(50))
            .thenComparingDouble(round -> round.micros(99))).orElseThrow();
    }

    /**
     * @return {@code percentile} of the {@link #bestRound() best round}, in microseconds.
     */
    public double bestMicros(final double percentile)
    {
        return bestRound().micros(percentile);
    }

    /**
     * @return the idle CPU of the {@link #bestRound() best round}; NaN if not measured.
     */
    public double bestIdleCpuPercent()
    {
        return bestRound().idleCpuPercent();
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
