package io.mmq.examples.bench.group;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.examples.demo.ChildProcess;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.QueueCounters;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * How fast a consumer group drains a stream with 1, 2 and 4 member processes, beside one broadcast
 * consumer (every reader in its own JVM). For each row a new queue is made, the readers join, and this
 * JVM publishes the messages as fast as the queue takes them; the time runs from the first offer until
 * the readers have handled the last message, and every reader's count and checksum are checked against
 * what was published.
 */
public final class GroupThroughputBenchmark
{
    /** One configuration to measure: how many readers, and whether they form a group. */
    record Row(String label, int readers, boolean group)
    {
    }

    private final Path directory;
    private final long messages;
    private final int size;
    private final int batch;
    private final long workNanos;
    private final PrintWriter out;

    public GroupThroughputBenchmark(
        final Path directory, final long messages, final int size, final int batch, final long workNanos, final PrintWriter out)
    {
        this.directory = directory;
        this.messages = messages;
        this.size = size;
        this.batch = batch;
        this.workNanos = workNanos;
        this.out = out;
    }

    public int run(final List<Integer> memberCounts) throws Exception
    {
        final List<Row> rows = new ArrayList<>();
        rows.add(new Row("one consumer (broadcast)", 1, false));
        for (final int members : memberCounts)
        {
            rows.add(new Row("group of " + members, members, true));
        }
        out.printf("%,d messages of %d B, batch %d, work %,d ns per message%n%n", messages, size, batch, workNanos);
        out.println("| readers | messages/s | seconds | per reader |");
        out.println("|---|---:|---:|---|");
        for (final Row row : rows)
        {
            measure(row);
        }
        return 0;
    }

    private void measure(final Row row) throws Exception
    {
        Files.createDirectories(directory);
        final Path file = directory.resolve("group-bench-" + ProcessHandle.current().pid() + ".mmq");
        Files.deleteIfExists(file);
        final List<ChildProcess> readers = new ArrayList<>();
        try (MappedQueue queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(4 << 20)
            .withConsumerSlots(Math.max(2, row.readers() + 1))))
        {
            for (int i = 0; i < row.readers(); i++)
            {
                final ChildProcess reader = ChildProcess.start("reader-" + i, "group-bench-member",
                    file, row.group() ? "bench" : "-", batch, workNanos);
                readers.add(reader);
                if (!reader.awaitJoined(60))
                {
                    throw new IllegalStateException("reader " + i + " did not join: " + reader.errors());
                }
            }
            final QueueCounters counters = queue.counters();
            final long expectedSum;
            final long start = System.nanoTime();
            try (Producer producer = queue.producer())
            {
                expectedSum = publish(producer);
            }
            final long end = awaitDrained(counters, row);
            long handled = 0;
            long sum = 0;
            final StringBuilder shares = new StringBuilder();
            for (final ChildProcess reader : readers)
            {
                reader.closeInput();
                reader.awaitExit();
                final String last = String.valueOf(reader.finalLine());
                final long count = ChildProcess.field(last, "count", -1);
                if (count < 0)
                {
                    throw new IllegalStateException(reader.name() + " ended without its count: " + last + " " + reader.errors());
                }
                handled += count;
                sum += ChildProcess.field(last, "sum", 0);
                shares.append(shares.length() == 0 ? "" : " / ").append(String.format("%,d", count));
            }
            if (handled != messages || sum != expectedSum)
            {
                throw new IllegalStateException(row.label() + ": handled " + handled + " messages with sum " + sum +
                    ", published " + messages + " with sum " + expectedSum);
            }
            final double seconds = (end - start) / 1e9;
            out.printf("| %s | %,.0f | %.3f | %s |%n", row.label(), messages / seconds, seconds, shares);
            out.flush();
        }
        finally
        {
            readers.forEach(ChildProcess::kill);
            Files.deleteIfExists(file);
        }
    }

    private long publish(final Producer producer)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[size]);
        long sum = 0;
        for (long seq = 0; seq < messages; seq++)
        {
            message.putLong(0, seq);
            while (producer.offer(message, 0, size) < 0)
            {
                Thread.onSpinWait();
            }
            sum += seq;
        }
        return sum;
    }

    /**
     * @return when every published message had been handled: the group's cursor (or the consumer's
     *         position) at the producer position and no member holding a claim.
     */
    private static long awaitDrained(final QueueCounters counters, final Row row)
    {
        final long end = counters.producerPosition();
        while (true)
        {
            boolean drained = true;
            for (int slot = 0; slot < counters.consumerSlots() && drained; slot++)
            {
                final String state = counters.consumerState(slot);
                final long position = counters.consumerPosition(slot);
                drained = switch (state)
                {
                    case "ACTIVE", "GROUP" -> position == end;
                    case "MEMBER" -> position < 0;
                    default -> true;
                };
            }
            if (drained)
            {
                return System.nanoTime();
            }
            Thread.onSpinWait();
        }
    }
}
