package io.mmq.examples.bench.harness;

import org.HdrHistogram.Histogram;

/**
 * One ping-pong run, one round of a {@link LatencyRow}: the measured round trips, and the counts both sides
 * saw. Public, like {@link LatencyRow}, so that the bench tests can make one up.
 *
 * @param contender     the contender's name, or the baseline's.
 * @param idle          how both sides waited.
 * @param size          bytes each way.
 * @param roundTrips    round trips the pinger completed, warm-up included.
 * @param echoed        messages the ponger echoed: equal to {@code roundTrips} in a good run.
 * @param histogram     round-trip times of the measured phase, in nanoseconds.
 * @param idleCpuPercent CPU time of the ponger's polling thread while nothing arrived, in percent of one core;
 *                       NaN if not measured.
 */
public record LatencyResult(String contender, IdleMode idle, int size, long roundTrips, long echoed, Histogram histogram,
    double idleCpuPercent)
{
    double micros(final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMicros()
    {
        return histogram.getMaxValue() / 1000.0;
    }
}
