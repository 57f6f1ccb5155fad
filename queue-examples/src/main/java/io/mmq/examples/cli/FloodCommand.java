package io.mmq.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "flood", mixinStandardHelpOptions = true,
    description = "Publish fixed-size messages as fast as the consumers allow (for benchmarks of readers).")
public final class FloodCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The queue file.")
    Path file;

    @Option(names = "--messages", defaultValue = "1000000", description = "How many (default: ${DEFAULT-VALUE}).")
    long messages;

    @Option(names = "--size", converter = ByteSize.class, defaultValue = "32", description = "Bytes each (default: ${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call()
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[Math.max(size, 8)]);
            final long start = System.nanoTime();
            for (long seq = 0; seq < messages; seq++)
            {
                if (size >= 8)
                {
                    message.putLong(0, seq);
                }
                if (producer.offer(message, 0, size) < 0 && producer.offer(message, 0, size, 30, TimeUnit.SECONDS) < 0)
                {
                    throw new MmqException(file + ": the ring stayed full for 30 s at message " + seq);
                }
            }
            spec.commandLine().getOut().printf("published %d messages of %d bytes in %.3f s%n",
                messages, size, (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }
}
