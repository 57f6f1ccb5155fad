package io.mmq.examples.bench.harness;

import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The median over a row's rounds. A busy-spin round trip on a small VM can run at one of two speeds for
 * seconds at a time (docs/benchmarks.md): a mean of rounds would land between the two, at a speed nothing
 * ran at, where the median of an odd number of rounds is one round's own value, from the speed most
 * rounds saw.
 */
final class Median
{
    private Median()
    {
    }

    /**
     * @return the middle of the rounds' values; with an even count, the mean of the two middle ones.
     */
    static <T> double of(final List<T> rounds, final ToDoubleFunction<T> value)
    {
        final double[] values = rounds.stream().mapToDouble(value).sorted().toArray();
        final int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /**
     * @return the round whose value is the middle one; with an even count, the lower of the two middle ones.
     */
    static <T> T round(final List<T> rounds, final ToDoubleFunction<T> value)
    {
        return rounds.stream().sorted(Comparator.comparingDouble(value)).toList().get((rounds.size() - 1) / 2);
    }
}
