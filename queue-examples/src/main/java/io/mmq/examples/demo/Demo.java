package io.mmq.examples.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;

/**
 * The main job: one producer and several consumers, each a separate JVM, sharing one queue file.
 * Shows live progress, then a summary of throughput and latency percentiles per consumer.
 */
public final class Demo
{
    private final DemoPlan plan;
    private final java.util.List<String> summaries = new java.util.ArrayList<>();

    public Demo(final DemoPlan plan)
    {
        this.plan = plan;
    }

    /**
     * @return the value of {@code key} in a {@code SUMMARY} line, such as {@code p99}, or "?".
     */
    public static String summaryValue(final String summary, final String key)
    {
        return ChildProcess.text(summary, key);
    }

    /**
     * @return each consumer's {@code SUMMARY} line from the last run.
     */
    public java.util.List<String> summaries()
    {
        return java.util.List.copyOf(summaries);
    }

    /**
     * @return the process exit code: 0 if every consumer received every message in order.
     */
    public int run() throws IOException, InterruptedException
    {
        final Path shm = Path.of("/dev/shm");
        final Path directory = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        final Path file = directory.resolve("mmq-demo-" + ProcessHandle.current().pid() + ".mmq");
        final QueueOptions options = plan.queueOptions();
        final int consumers = plan.consumers();
        MappedQueue.create(file, options).close();
        System.out.printf("mmq demo: 1 producer and %d Java consumer%s, each its own JVM%s, sharing %s (%d KiB ring)%n",
            consumers, consumers == 1 ? "" : "s", ChildProcess.pythonCanStart(plan.pythonDirectory()) ? ", and a Python consumer" : "",
            file, options.capacity() / 1024);
        System.out.printf("  phase 1: %,d messages of %d bytes, as fast as the slowest consumer reads%n",
            plan.messages(), plan.size());
        System.out.printf("  phase 2: %,d messages at %,d per second, one-way latency measured by each consumer%s%n",
            plan.latencyMessages(), plan.rate(), plan.pretouch() ? "" : " (ring not pretouched)");
        System.out.printf("  waiting: %s%n%n", plan.idle().explain(plan.processes(), Runtime.getRuntime().availableProcessors()));

        final List<ChildProcess> readers = new ArrayList<>();
        ChildProcess writer = null;
        try
        {
            for (int i = 0; i < consumers; i++)
            {
                final ChildProcess reader = ChildProcess.start("consumer-" + i, "demo-consumer", file,
                    options.capacity(), options.consumerSlots(), plan.pretouch(), plan.results(), plan.idle());
                readers.add(reader);
                if (!reader.awaitJoined(60))
                {
                    throw new IllegalStateException(reader.name() + " did not join: " + reader.errors());
                }
            }
            final ChildProcess python = null == plan.pythonDirectory() ? null :
                ChildProcess.startPython("python", plan.pythonDirectory(), file, plan.results(), plan.idle());
            if (null != python)
            {
                readers.add(python);
                if (!python.awaitJoined(60))
                {
                    throw new IllegalStateException("the Python consumer did not join: " + python.errors());
                }
                System.out.printf("  the Python consumer runs the package in %s%n%n", plan.pythonDirectory());
            }
            else if (null != plan.pythonDirectory())
            {
                System.out.printf("  no Python consumer: python3, or the Python reader in %s, is not here%n%n",
                    plan.pythonDirectory());
            }
            final long total = plan.messages() + plan.latencyMessages() + 1;
            writer = ChildProcess.start("producer", "demo-producer", file,
                options.capacity(), options.consumerSlots(), plan.pretouch(),
                plan.messages(), plan.size(), plan.latencyMessages(), plan.rate(), plan.idle());
            showProgress(writer, readers, total);
            return summarise(writer, readers, total);
        }
        finally
        {
            if (null != writer)
            {
                writer.kill();
            }
            readers.forEach(ChildProcess::kill);
            Files.deleteIfExists(file);
        }
    }

    private void showProgress(final ChildProcess writer, final List<ChildProcess> readers, final long total)
        throws InterruptedException
    {
        final long start = System.nanoTime();
        long lastPublished = 0;
        long lastAt = start;
        while (writer.isAlive() || readers.stream().anyMatch(ChildProcess::isAlive))
        {
            Thread.sleep(1000);
            final long now = System.nanoTime();
            // What a consumer received was published, whether or not the producer has said so yet.
            final long published = Math.max(writer.count(), readers.stream().mapToLong(ChildProcess::count).max().orElse(0));
            final StringBuilder line = new StringBuilder(String.format("[%5.1fs] published %,13d (%6.2f M msg/s)",
                (now - start) / 1e9, published, (published - lastPublished) * 1e3 / (now - lastAt)));
            for (final ChildProcess reader : readers)
            {
                line.append(String.format(" | %s %5.1f%% lag %,d B", reader.name(),
                    100.0 * reader.count() / total, reader.lag()));
            }
            System.out.println(line);
            lastPublished = published;
            lastAt = now;
        }
    }

    private int summarise(final ChildProcess writer, final List<ChildProcess> readers, final long total)
        throws InterruptedException
    {
        int failures = 0;
        if (writer.awaitExit() != 0)
        {
            System.out.println("producer failed: " + writer.finalLine() + "\n" + writer.errors());
            failures++;
        }
        summaries.clear();
        System.out.printf("%n%-11s %10s %14s %9s %9s %9s %9s %9s %9s%n",
            "consumer", "received", "throughput", "p50 us", "p90 us", "p99 us", "p99.9 us", "p99.99 us", "max us");
        for (final ChildProcess reader : readers)
        {
            final String line = reader.finalLine();
            if (reader.awaitExit() != 0 || null == line || !line.startsWith("SUMMARY") ||
                ChildProcess.field(line, "received", -1) != total)
            {
                System.out.println(reader.name() + " failed: " + line + "\n" + reader.errors());
                failures++;
                continue;
            }
            summaries.add(line);
            System.out.printf("%-11s %,10d %9.2f M/s %9s %9s %9s %9s %9s %9s%n", reader.name(),
                ChildProcess.field(line, "received", -1),
                Double.parseDouble(ChildProcess.text(line, "throughput")) / 1e6,
                ChildProcess.text(line, "p50"), ChildProcess.text(line, "p90"), ChildProcess.text(line, "p99"),
                ChildProcess.text(line, "p999"), ChildProcess.text(line, "p9999"), ChildProcess.text(line, "max"));
        }
        System.out.println();
        if (failures == 0)
        {
            final boolean python = readers.stream().anyMatch(reader -> reader.name().equals("python"));
            System.out.printf("Throughput: phase 1, at the slowest consumer's pace, since the producer waits for every consumer%s.%n" +
                "Latency: phase 2, from publish to receipt.%n",
                python ? System.lineSeparator() + "(here the Python reader's; --no-python shows the Java consumers')" : "");
            System.out.printf("Every consumer received all %,d messages (both phases and an end marker), in order. " +
                "Latency distributions: %s%n", total, plan.results().toAbsolutePath());
            return 0;
        }
        System.out.println(failures + " process(es) failed");
        return 1;
    }
}
