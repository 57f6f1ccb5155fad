package io.mmq.examples.cli;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;

import io.mmq.QueueOptions;
import io.mmq.SlowConsumerPolicy;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.layout.FrameLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a queue file.")
public final class CreateCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The queue file to create; it must not exist.")
    Path file;

    @Option(names = "--capacity", converter = ByteSize.class, defaultValue = "1m",
        description = "Ring size, a power of two from 4k to 1g (default: ${DEFAULT-VALUE}).")
    int capacity;

    @Option(names = "--max-message", converter = ByteSize.class,
        description = "Largest message, up to capacity/8 (default: capacity/8).")
    Integer maxMessage;

    @Option(names = "--consumers", defaultValue = "16", description = "Consumer slots, 1 to 4096 (default: ${DEFAULT-VALUE}).")
    int consumers;

    @Option(names = "--permissions", defaultValue = "rw-------",
        description = "Permissions of the new file, as ls shows them (rw-rw----) or in octal (660, 0660); the owner " +
            "must read and write (default: ${DEFAULT-VALUE}).")
    String permissions;

    @Option(names = "--evict-after-lag", converter = ByteSize.class,
        description = "Evict a consumer that falls this many bytes behind, from one largest message to the capacity " +
            "(default: never evict; the producer waits for the slowest consumer).")
    Integer evictAfterLag;

    @Override
    public Integer call()
    {
        final QueueOptions options = options();
        MappedQueue.create(file, options.withPretouch(false)).close();
        spec.commandLine().getOut().printf("created %s: ring %,d B, messages up to %,d B, %d consumer slots, slow consumers: %s%n",
            file, options.capacity(), options.maxMessageLength(), options.consumerSlots(), options.slowConsumerPolicy());
        return 0;
    }

    /**
     * The queue's options from the flags, each checked here so that a mistake is told in the flags' own
     * names, not in the API's.
     */
    private QueueOptions options()
    {
        if (capacity < QueueOptions.MIN_CAPACITY || capacity > QueueOptions.MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw mistake("--capacity must be a power of two from 4k to 1g: " + capacity);
        }
        final int limit = QueueOptions.maxMessageLengthLimit(capacity);
        final int max = null == maxMessage ? limit : maxMessage;
        if (max < 0 || max > limit)
        {
            throw mistake("--max-message must be from 0 to an eighth of the capacity (" + limit + " bytes for " +
                capacity + "): " + max);
        }
        if (consumers < 1 || consumers > QueueOptions.MAX_CONSUMER_SLOTS)
        {
            throw mistake("--consumers must be from 1 to " + QueueOptions.MAX_CONSUMER_SLOTS + ": " + consumers);
        }
        QueueOptions options = QueueOptions.defaults().withCapacity(capacity).withMaxMessageLength(max)
            .withConsumerSlots(consumers).withPermissions(permissions());
        if (null != evictAfterLag)
        {
            final int largestFrame = FrameLayout.alignedLength(FrameLayout.maxFrameLength(max));
            if (evictAfterLag < largestFrame || evictAfterLag > capacity)
            {
                throw mistake("--evict-after-lag must be from one largest message with its header (" + largestFrame +
                    " bytes) to the capacity (" + capacity + " bytes): " + evictAfterLag);
            }
            options = options.withSlowConsumerPolicy(SlowConsumerPolicy.evictAfterLag(evictAfterLag));
        }
        return options;
    }

    /** {@link #permissions} as ls shows them ({@code rw-r-----}) or in octal ({@code 640}, {@code 0640}). */
    private Set<PosixFilePermission> permissions()
    {
        final Set<PosixFilePermission> parsed;
        if (permissions.matches("0?[0-7]{3}"))
        {
            final int mode = Integer.parseInt(permissions, 8);
            final PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ first: bit 8 down to bit 0
            parsed = EnumSet.noneOf(PosixFilePermission.class);
            for (int i = 0; i < bits.length; i++)
            {
                if ((mode & (1 << (bits.length - 1 - i))) != 0)
                {
                    parsed.add(bits[i]);
                }
            }
        }
        else
        {
            try
            {
                parsed = PosixFilePermissions.fromString(permissions);
            }
            catch (final IllegalArgumentException notLikeLs)
            {
                throw mistake("--permissions must be as ls shows them (rw-r-----) or octal (640): " + permissions);
            }
        }
        if (!parsed.contains(PosixFilePermission.OWNER_READ) || !parsed.contains(PosixFilePermission.OWNER_WRITE))
        {
            throw mistake("--permissions must let the owner read and write: " + permissions);
        }
        return parsed;
    }

    private ParameterException mistake(final String message)
    {
        return new ParameterException(spec.commandLine(), file + ": " + message);
    }
}
