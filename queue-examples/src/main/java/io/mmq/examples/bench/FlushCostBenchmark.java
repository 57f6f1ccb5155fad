package io.mmq.examples.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.mmq.FlushPolicy;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What each flush policy costs the producer: the time of one {@code offer}, measured around each call,
 * on tmpfs and on a disk-backed directory, for never / every 1 ms / every message. No consumer: this
 * isolates the producer's own cost. Prints a markdown table and writes a percentile file per case.
 *
 * <p>Run: {@code ./mmq flush-bench [--messages N] [--disk-dir DIR] [--results DIR]}
 */
public final class FlushCostBenchmark
{
    private static final int SIZE = 256;

    private final long messages;
    private final Path diskDirectory;
    private final Path results;

    public FlushCostBenchmark(final long messages, final Path diskDirectory, final Path results)
    {
        this.messages = messages;
        this.diskDirectory = diskDirectory;
        this.results = results;
    }

    public int run() throws IOException
    {
        Files.createDirectories(results);
        Files.createDirectories(diskDirectory);
        final List<String> rows = new ArrayList<>();
        final Path shm = Path.of("/dev/shm");
        final Path[] places = Files.isDirectory(shm) ? new Path[] {shm, diskDirectory} : new Path[] {diskDirectory};
        final FlushPolicy[] policies = {FlushPolicy.never(), FlushPolicy.every(Duration.ofMillis(1)), FlushPolicy.everyMessage()};
        for (final Path place : places)
        {
            final String filesystem = Files.getFileStore(place).type();
            for (final FlushPolicy policy : policies)
            {
                // Every message waits for the disk: fewer of them, or the run takes minutes.
                final long count = policy.intervalNanos() == 0 ? Math.max(1000, messages / 1000) : messages;
                System.out.printf("flush-bench: %s on %s (%s), %,d messages of %d bytes...%n",
                    policy, place, filesystem, count, SIZE);
                final Histogram histogram = measure(place.resolve("mmq-flush-bench-" + ProcessHandle.current().pid() + ".mmq"),
                    policy, count);
                final String name = filesystem + "-" + policy.toString().replace(' ', '-');
                try (PrintStream out = new PrintStream(new FileOutputStream(results.resolve("flush-" + name + ".hgrm").toFile())))
                {
                    histogram.outputPercentileDistribution(out, 1000.0);
                }
                rows.add(String.format("| %s | %s | %,d | %.2f | %.2f | %.2f | %.1f | %.1f |", filesystem, policy, count,
                    histogram.getMean() / 1000.0, histogram.getValueAtPercentile(50) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0, histogram.getValueAtPercentile(99.99) / 1000.0,
                    histogram.getMaxValue() / 1000.0));
            }
        }
        System.out.println();
        System.out.println("| filesystem | flush policy | messages | mean us | p50 us | p99 us | p99.99 us | max us |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.out.println("\nPercentile files: " + results.toAbsolutePath());
        return 0;
    }

    private static Histogram measure(final Path file, final FlushPolicy policy, final long count) throws IOException
    {
        final Histogram histogram = new Histogram(60_000_000_000L, 3);
        Files.deleteIfExists(file);
        try (MappedQueue queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(16 << 20).withFlushPolicy(policy));
             Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[SIZE]);
            for (long i = 0; i < count; i++)
            {
                message.putLong(0, i);
                final long start = System.nanoTime();
                producer.offer(message, 0, SIZE);
                histogram.recordValue(System.nanoTime() - start);
            }
        }
        finally
        {
            Files.deleteIfExists(file);
        }
        return histogram;
    }
}
