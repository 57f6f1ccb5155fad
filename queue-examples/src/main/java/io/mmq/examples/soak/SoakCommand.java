package io.mmq.examples.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.mmq.examples.cli.ByteSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "soak", mixinStandardHelpOptions = true,
    header = "Crash soak: kill producer and consumer JVMs at random, then check every message.",
    subcommands = {SoakProducerRole.class, SoakConsumerRole.class},
    description = {
        "Crash soak: a producer and consumers in separate JVMs over one queue; SIGKILL one of them at random " +
            "moments and start it again, for --duration. Then check that consumers never killed received every " +
            "committed message exactly once and in order, and that restarted ones received gap-free, " +
            "repeat-free runs up to the end. Exit code 0 if every check passed, 1 if not."})
public final class SoakCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--duration", converter = SoakCommand.Seconds.class, defaultValue = "60s",
        description = "How long to kill and restart: 90, 30s, 10m, 2h (default: ${DEFAULT-VALUE}).")
    long durationMillis;

    @Option(names = "--consumers", defaultValue = "3", description = "Consumer processes (default: ${DEFAULT-VALUE}).")
    int consumers;

    @Option(names = "--survivors", defaultValue = "1",
        description = "How many consumers are never killed (default: ${DEFAULT-VALUE}).")
    int survivors;

    @Option(names = "--min-interval", defaultValue = "200", description = "Shortest pause between kills, ms (default: ${DEFAULT-VALUE}).")
    long minInterval;

    @Option(names = "--max-interval", defaultValue = "1000", description = "Longest pause between kills, ms (default: ${DEFAULT-VALUE}).")
    long maxInterval;

    @Option(names = "--capacity", converter = ByteSize.class, defaultValue = "64k", description = "Ring capacity (default: ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--max-message", converter = ByteSize.class, defaultValue = "1k",
        description = "Largest message; lengths vary from 16 up to it (default: ${DEFAULT-VALUE}).")
    int maxMessage;

    @Option(names = "--seed", description = "Seed of the random kills (default: the clock); printed at the start.")
    Long seed;

    @Option(names = "--dir", description = "Where the queue file goes (default: /dev/shm, else the temporary directory).")
    Path directory;

    @Override
    public Integer call() throws Exception
    {
        final Path where = null != directory ? directory :
            Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(where))
        {
            throw new IllegalArgumentException(where + ": --dir is not a directory");
        }
        final SoakPlan plan = new SoakPlan(durationMillis, consumers, survivors, minInterval, maxInterval, capacity,
            maxMessage, null != seed ? seed : System.nanoTime(), where);
        return new CrashSoak(plan, spec.commandLine().getOut()).run();
    }

    /** Reads a duration: plain seconds, or a number with s, m or h. */
    public static final class Seconds implements ITypeConverter<Long>
    {
        @Override
        public Long convert(final String value)
        {
            final String text = value.trim().toLowerCase(Locale.ROOT);
            try
            {
                final char unit = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
                final String digits = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
                final long amount = Long.parseLong(digits);
                final Duration duration = switch (unit)
                {
                    case 'h' -> Duration.ofHours(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 's' -> Duration.ofSeconds(amount);
                    default ->
                    {
                        if (!Character.isDigit(unit))
                        {
                            throw new NumberFormatException();
                        }
                        yield Duration.ofSeconds(amount);
                    }
                };
                return duration.toMillis();
            }
            catch (final NumberFormatException | ArithmeticException ex)
            {
                throw new TypeConversionException("not a duration (examples: 90, 30s, 10m, 2h): " + value);
            }
        }
    }
}
