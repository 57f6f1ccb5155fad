package io.mmq.examples.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.mmq.GroupOptions;
import io.mmq.examples.bench.group.GroupMemberRole;
import io.mmq.examples.bench.group.GroupThroughputBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "group-bench", mixinStandardHelpOptions = true,
    description = "Measure how fast a consumer group of 1, 2 and 4 member processes drains a stream, beside one " +
        "broadcast consumer.")
public final class GroupBenchCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--messages", defaultValue = "5000000", description = "Messages per row (default: ${DEFAULT-VALUE}).")
    long messages;

    @Option(names = "--size", defaultValue = "32", description = "Message size in bytes, 8 or more (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--members", split = ",", defaultValue = "1,2,4", description = "Group sizes to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> members;

    @Option(names = "--batch", defaultValue = "" + GroupOptions.DEFAULT_BATCH, description = "Messages a member claims at a time (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--work-ns", defaultValue = "0", description = "Work per message in each reader, in ns of spinning (default: ${DEFAULT-VALUE}).")
    long workNanos;

    @Option(names = "--dir", defaultValue = "/dev/shm", description = "Where the queue files go (default: ${DEFAULT-VALUE}).")
    Path directory;

    @Override
    public Integer call() throws Exception
    {
        if (size < 8 || size > 4096)
        {
            throw new ParameterException(spec.commandLine(), "--size must be from 8 to 4096: " + size);
        }
        if (messages < 1 || members.stream().anyMatch(m -> m < 1 || m > 64))
        {
            throw new ParameterException(spec.commandLine(), "--messages must be positive and --members from 1 to 64");
        }
        GroupOptions.member("bench").withBatch(batch); // checks the batch, with its message
        return new GroupThroughputBenchmark(directory, messages, size, batch, workNanos, spec.commandLine().getOut()).run(members);
    }

    /** A reader process of the benchmark; hidden from users. */
    @Command(name = "group-bench-member", hidden = true)
    public static final class Member implements Callable<Integer>
    {
        @Parameters(index = "0")
        Path file;

        @Parameters(index = "1")
        String group;

        @Parameters(index = "2")
        int batch;

        @Parameters(index = "3")
        long workNanos;

        @Override
        public Integer call() throws Exception
        {
            return GroupMemberRole.run(file, group, batch, workNanos);
        }
    }
}
