package io.mmq.examples.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.ConsumerLappedException;
import io.mmq.ConsumerOptions;
import io.mmq.GroupOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.agrona.DirectBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "tail", mixinStandardHelpOptions = true,
    description = {"Print messages as they arrive, as a consumer of the queue.",
        "Ctrl-C or SIGTERM stops it as --count and --idle-exit do: the consumer leaves the queue cleanly (a named " +
            "one keeps its place after the last message printed)."})
public final class TailCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    enum Format { text, hex, length }

    @Parameters(paramLabel = "FILE", description = "The queue file.")
    Path file;

    @Option(names = "--format", defaultValue = "text",
        description = "text (each message as UTF-8, a byte that is not shown as U+FFFD), hex (the bytes exactly) or " +
            "length (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--from", defaultValue = "LATEST", converter = StartPositionConverter.class,
        description = "LATEST or EARLIEST, in either case (default: ${DEFAULT-VALUE}).")
    StartPosition from;

    @Option(names = "--name", description = "Read as the named consumer NAME: resume where it stopped, and keep " +
        "its place in the file when this ends (a new name starts at --from).")
    String name;

    @Option(names = "--group", description = "Read as a member of the consumer group GROUP: share the stream with " +
        "its other members, each message going to one of them (a new group starts at --from).")
    String group;

    @Option(names = "--count", description = "Stop after this many messages (0 or more).")
    Long count;

    @Option(names = "--idle-exit", paramLabel = "SECONDS",
        description = "Stop when no message arrives for this long (0 or more).")
    Double idleExit;

    /** How long a signal waits for the consumer to be closed before the JVM ends anyway. */
    private static final long SIGNAL_WAIT_SECONDS = 5;

    private long printed;
    private volatile boolean stopping;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** A named consumer that was lapped while away says so once, on standard error, and goes on. */
    private int pollReportingLaps(final Consumer consumer, final int limit)
    {
        try
        {
            return consumer.poll(this::print, limit, 100, TimeUnit.MILLISECONDS);
        }
        catch (final ConsumerLappedException lapped)
        {
            spec.commandLine().getErr().println("mmq: " + lapped.getMessage());
            return 0;
        }
    }
    private java.io.PrintWriter out;

    @Override
    public Integer call()
    {
        out = spec.commandLine().getOut();
        if (null != name && null != group)
        {
            throw new ParameterException(spec.commandLine(), "--name and --group cannot be used together");
        }
        if (null != count && count < 0)
        {
            throw new ParameterException(spec.commandLine(), "--count must be 0 or more, not " + count);
        }
        if (null != idleExit && !(idleExit >= 0))
        {
            throw new ParameterException(spec.commandLine(),
                "--idle-exit must be 0 or more seconds, not " + PublishCommand.seconds(idleExit));
        }
        final long idleNanos = null == idleExit ? Long.MAX_VALUE : (long)(idleExit * 1e9);
        final Thread onSignal = new Thread(this::stopOnSignal, "mmq-tail-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try
        {
            try (MappedQueue queue = MappedQueue.open(file); Consumer consumer = open(queue))
            {
                long idleSince = System.nanoTime();
                while (!stopping && (null == count || printed < count))
                {
                    final int limit = null == count ? 1024 : (int)Math.min(1024, count - printed);
                    if (pollReportingLaps(consumer, limit) > 0)
                    {
                        out.flush();
                        idleSince = System.nanoTime();
                    }
                    else if (System.nanoTime() - idleSince >= idleNanos)
                    {
                        break;
                    }
                }
            }
            out.flush();
        }
        finally
        {
            stopped.countDown();
            ShutdownHooks.remove(onSignal);
        }
        return 0;
    }

    /**
     * The shutdown hook: a signal (Ctrl-C, SIGTERM) asks the main thread, which owns the consumer, to stop
     * and close it, and waits for that (a poll wakes within its 100 ms timeout), so that the slot is left
     * free, or a named consumer dormant at the position it printed up to, instead of held by a dead process.
     */
    private void stopOnSignal()
    {
        stopping = true;
        try
        {
            stopped.await(SIGNAL_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private Consumer open(final MappedQueue queue)
    {
        if (null != group)
        {
            // With --count, claim no more than will be printed: a member leaving mid-claim hands the rest on.
            final int batch = null == count ? GroupOptions.DEFAULT_BATCH : (int)Math.max(1, Math.min(GroupOptions.DEFAULT_BATCH, count));
            return queue.groupMember(GroupOptions.member(group).startingAt(from).withBatch(batch));
        }
        return null == name ? queue.consumer(from) : queue.consumer(ConsumerOptions.named(name).startingAt(from));
    }

    /** LATEST or EARLIEST in either case, as the Python reader takes them. */
    static final class StartPositionConverter implements ITypeConverter<StartPosition>
    {
        @Override
        public StartPosition convert(final String value)
        {
            for (final StartPosition position : StartPosition.values())
            {
                if (position.name().equalsIgnoreCase(value))
                {
                    return position;
                }
            }
            throw new TypeConversionException("expected one of " + java.util.Arrays.toString(StartPosition.values()) +
                " (in either case), not '" + value + "'");
        }
    }

    private void print(final DirectBuffer buffer, final int offset, final int length)
    {
        printed++;
        switch (format)
        {
            case length:
                out.println(length);
                break;
            case hex:
                final StringBuilder hex = new StringBuilder(length * 3);
                for (int i = 0; i < length; i++)
                {
                    hex.append(i == 0 ? "" : " ").append(String.format("%02x", buffer.getByte(offset + i)));
                }
                out.println(hex);
                break;
            default:
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                out.println(new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
