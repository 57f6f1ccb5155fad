package io.mmq.examples;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.mmq.MmqException;
import io.mmq.examples.demo.Demo;
import io.mmq.examples.demo.DemoPlan;
import io.mmq.examples.demo.DemoRoles;

/**
 * The {@code mmq} command. User mistakes end in one line on standard error and a non-zero exit.
 */
public final class Mmq
{
    private static final String USAGE = String.join("\n",
        "usage: mmq demo [--messages N] [--size BYTES] [--consumers N] [--latency-messages N] [--rate PER_SECOND]",
        "                [--results DIR]",
        "  Runs one producer and several consumers as separate JVMs over one queue file, shows live",
        "  progress, and ends with throughput and latency percentiles per consumer.",
        "usage: mmq flush-bench [--messages N] [--disk-dir DIR] [--results DIR]",
        "  Measures what each flush policy costs a producer, on tmpfs and on a disk.",
        "usage: mmq pretouch-bench [--rate PER_SECOND] [--results DIR]",
        "  Measures one-way latency across processes over a fresh ring, with and without pretouch.");

    private Mmq()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            System.exit(run(args));
        }
        catch (final IllegalArgumentException | MmqException ex)
        {
            System.err.println("mmq: " + ex.getMessage());
            System.exit(2);
        }
        catch (final Exception ex)
        {
            System.err.println("mmq: " + ex);
            System.exit(1);
        }
    }

    private static int run(final String[] args) throws Exception
    {
        if (args.length == 0 || java.util.Arrays.asList(args).contains("--help") || "-h".equals(args[0]))
        {
            System.out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        switch (args[0])
        {
            case "demo":
                final Map<String, String> options = options(args);
                final Demo demo = new Demo(DemoPlan.of(
                    longOption(options, "--messages", 10_000_000),
                    (int)longOption(options, "--size", 64),
                    (int)longOption(options, "--consumers", 2),
                    longOption(options, "--latency-messages", 200_000),
                    longOption(options, "--rate", 100_000),
                    Path.of(options.getOrDefault("--results", "mmq-demo-results"))));
                options.remove("--results");
                requireNoOthers(options);
                return demo.run();
            case "flush-bench":
                final Map<String, String> flushOptions = options(args);
                final long flushMessages = longOption(flushOptions, "--messages", 2_000_000);
                final Path disk = Path.of(flushOptions.getOrDefault("--disk-dir", "target"));
                final Path flushResults = Path.of(flushOptions.getOrDefault("--results", "benchmark-results"));
                flushOptions.remove("--disk-dir");
                flushOptions.remove("--results");
                requireNoOthers(flushOptions);
                return new io.mmq.examples.bench.FlushCostBenchmark(flushMessages, disk, flushResults).run();
            case "pretouch-bench":
                final Map<String, String> pretouchOptions = options(args);
                final long rate = longOption(pretouchOptions, "--rate", 20_000);
                final Path pretouchResults = Path.of(pretouchOptions.getOrDefault("--results", "benchmark-results"));
                pretouchOptions.remove("--results");
                requireNoOthers(pretouchOptions);
                return new io.mmq.examples.bench.PretouchBenchmark(rate, pretouchResults).run();
            case "demo-producer":
            case "demo-consumer":
                return DemoRoles.run(args);
            default:
                throw new IllegalArgumentException("unknown command '" + args[0] + "'; try 'mmq --help'");
        }
    }

    private static Map<String, String> options(final String[] args)
    {
        final Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2)
        {
            if (!args[i].startsWith("--") || i + 1 >= args.length)
            {
                throw new IllegalArgumentException("expected '--option value' pairs, got '" + args[i] + "'");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static void requireNoOthers(final Map<String, String> options)
    {
        if (!options.isEmpty())
        {
            throw new IllegalArgumentException("unknown option " + options.keySet() + "; try 'mmq --help'");
        }
    }

    private static long longOption(final Map<String, String> options, final String name, final long otherwise)
    {
        final String value = options.remove(name);
        if (null == value)
        {
            return otherwise;
        }
        try
        {
            return Long.parseLong(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " takes a whole number, got '" + value + "'");
        }
    }
}
