package io.mmq.examples.bench.harness;

import java.nio.file.Path;
import java.util.List;

import io.mmq.QueueOptions;

/**
 * What one {@code mmq bench} run measures and for how long. Checked when made: every mistake is an
 * {@link IllegalArgumentException} naming the option.
 *
 * @param contenders      the transports, in table order.
 * @param sizes           message sizes in bytes.
 * @param consumers       consumer counts for one-way runs (point-to-point contenders run 1 only).
 * @param idles           idle strategies.
 * @param latency         whether to run ping-pong.
 * @param throughput      whether to run one-way.
 * @param references      whether to measure the C cache-line bounce and the memcpy reference.
 * @param warmupMillis    untimed warm-up per run.
 * @param durationMillis  measured time per run.
 * @param rounds          how many times each run is made, the contenders taking turns; a row reports the
 *                        median over its rounds.
 * @param idleWindowMillis how long the ponger sits idle while its CPU is measured.
 * @param bounceRoundTrips round trips of the C baseline.
 * @param ringCapacity    ring size for ring-based contenders.
 * @param results         where results.md, the .hgrm files and the plots go.
 * @param command         the command line, for the report.
 */
public record BenchPlan(List<Contender> contenders, List<Integer> sizes, List<Integer> consumers, List<IdleMode> idles,
    boolean latency, boolean throughput, boolean references, long warmupMillis, long durationMillis, int rounds,
    long idleWindowMillis, long bounceRoundTrips, int ringCapacity, Path results, String command)
{
    /** The smallest message: a sequence number and a phase. */
    public static final int MIN_SIZE = 16;

    public BenchPlan
    {
        contenders = List.copyOf(contenders);
        sizes = List.copyOf(sizes);
        consumers = List.copyOf(consumers);
        idles = List.copyOf(idles);
        if (contenders.isEmpty() || sizes.isEmpty() || consumers.isEmpty() || idles.isEmpty())
        {
            throw new IllegalArgumentException("--contenders, --sizes, --consumers and --idle each need a value");
        }
        if (ringCapacity < QueueOptions.MIN_CAPACITY || ringCapacity > QueueOptions.MAX_CAPACITY ||
            Integer.bitCount(ringCapacity) != 1)
        {
            throw new IllegalArgumentException("--ring must be a power of two from 4k to 1g: " + ringCapacity);
        }
        for (final int size : sizes)
        {
            if (size < MIN_SIZE || size > QueueOptions.maxMessageLengthLimit(ringCapacity))
            {
                throw new IllegalArgumentException("--sizes: " + size + " is outside " + MIN_SIZE + " to " +
                    QueueOptions.maxMessageLengthLimit(ringCapacity) + " (an eighth of --ring " + ringCapacity + ")");
            }
        }
        for (final int count : consumers)
        {
            if (count < 1 || count > 64)
            {
                throw new IllegalArgumentException("--consumers: " + count + " is outside 1 to 64");
            }
        }
        if (rounds < 1)
        {
            throw new IllegalArgumentException("--rounds must be at least 1: " + rounds);
        }
        if (warmupMillis < 0 || durationMillis <= 0 || idleWindowMillis < 0 || bounceRoundTrips <= 0)
        {
            throw new IllegalArgumentException("--warmup-ms and --idle-window-ms must be at least 0, " +
                "--duration-ms and --bounce-round-trips at least 1");
        }
    }
}
