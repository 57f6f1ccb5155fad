package io.mmq.examples.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Publish each line of standard input (or of --input) as one message, as the queue's producer.")
public final class PublishCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The queue file.")
    Path file;

    @Option(names = "--input", paramLabel = "LINES", description = "Read lines from this file instead of standard input.")
    Path input;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
        description = "Give up when the ring stays full this long (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Override
    public Integer call() throws Exception
    {
        long published = 0;
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer();
             BufferedReader lines = null == input ?
                 new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)) :
                 Files.newBufferedReader(input, StandardCharsets.UTF_8))
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[producer.maxMessageLength()]);
            String line;
            while ((line = lines.readLine()) != null)
            {
                final byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > producer.maxMessageLength())
                {
                    throw new IllegalArgumentException("line " + (published + 1) + " is " + bytes.length +
                        " bytes, more than the queue's max message length of " + producer.maxMessageLength());
                }
                message.putBytes(0, bytes);
                if (producer.offer(message, 0, bytes.length, (long)(timeout * 1e9), TimeUnit.NANOSECONDS) < 0)
                {
                    throw new MmqException(file + ": the ring stayed full for " + timeout + " s after " + published +
                        " messages; are its consumers reading?");
                }
                published++;
            }
        }
        spec.commandLine().getErr().println("published " + published + " messages to " + file);
        return 0;
    }
}
