package io.mmq.examples.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmq.examples.demo.Demo;
import io.mmq.examples.demo.DemoIdle;
import io.mmq.examples.demo.DemoPlan;

/**
 * What pretouching the ring saves at the tail of the latency distribution, across processes: the demo's
 * paced latency phase over a fresh 64 MiB ring, one full lap, so every page is used for the first time
 * while latency is measured; once without pretouch and once with, in the same run.
 *
 * <p>Run: {@code ./mmq pretouch-bench [--rate PER_SECOND] [--results DIR]}
 */
public final class PretouchBenchmark
{
    private static final int CAPACITY = 64 << 20;
    private static final int SIZE = 1024;

    private final long rate;
    private final Path results;

    public PretouchBenchmark(final long rate, final Path results)
    {
        this.rate = rate;
        this.results = results;
    }

    public int run() throws Exception
    {
        final long lap = CAPACITY / (SIZE + 8);
        final List<String> rows = new ArrayList<>();
        for (final boolean pretouch : new boolean[] {false, true})
        {
            final Demo demo = new Demo(new DemoPlan(0, SIZE, 1, lap, rate, DemoIdle.BUSY_SPIN, CAPACITY, pretouch,
                results.resolve(pretouch ? "pretouched" : "not-pretouched"), null));
            if (demo.run() != 0)
            {
                return 1;
            }
            final String line = demo.summaries().get(0);
            rows.add(String.format("| %s | %s | %s | %s | %s | %s |", pretouch ? "yes" : "no",
                Demo.summaryValue(line, "p50"), Demo.summaryValue(line, "p99"), Demo.summaryValue(line, "p999"),
                Demo.summaryValue(line, "p9999"), Demo.summaryValue(line, "max")));
        }
        System.out.printf("%nOne-way latency, %d-byte messages at %,d/s over one lap of a fresh %d MiB ring:%n%n",
            SIZE, rate, CAPACITY >> 20);
        System.out.println("| pretouch | p50 us | p99 us | p99.9 us | p99.99 us | max us |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        return 0;
    }
}
