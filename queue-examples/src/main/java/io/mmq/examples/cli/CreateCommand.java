package io.mmq.examples.cli;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

import io.mmq.QueueOptions;
import io.mmq.SlowConsumerPolicy;
import io.mmq.mmap.MappedQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
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
        description = "Permissions of the new file, as ls shows them (default: ${DEFAULT-VALUE}).")
    String permissions;

    @Option(names = "--evict-after-lag", converter = ByteSize.class,
        description = "Evict a consumer that falls this many bytes behind, from one largest message to the capacity " +
            "(default: never evict; the producer waits for the slowest consumer).")
    Integer evictAfterLag;

    @Override
    public Integer call()
    {
        QueueOptions options = QueueOptions.defaults().withCapacity(capacity).withConsumerSlots(consumers)
            .withPermissions(PosixFilePermissions.fromString(permissions));
        options = options.withMaxMessageLength(null == maxMessage ? QueueOptions.maxMessageLengthLimit(capacity) : maxMessage);
        if (null != evictAfterLag)
        {
            options = options.withSlowConsumerPolicy(SlowConsumerPolicy.evictAfterLag(evictAfterLag));
        }
        MappedQueue.create(file, options.withPretouch(false)).close();
        spec.commandLine().getOut().printf("created %s: %d-byte ring, messages up to %d bytes, %d consumer slots, slow consumers: %s%n",
            file, options.capacity(), options.maxMessageLength(), options.consumerSlots(), options.slowConsumerPolicy());
        return 0;
    }
}
