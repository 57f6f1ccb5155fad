package io.mmq.examples.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
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
    description = {"Publish each line of standard input (or of --input) as one message, as the queue's producer.",
        "A message is the line's bytes exactly as read, without its ending newline ('\\n'): no character set is " +
            "assumed, and a carriage return ('\\r') before the newline stays in the message. A last line without " +
            "a newline is published too.",
        "Stopped by a signal (Ctrl-C), it says on standard error how many messages it published."})
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
        final String source = null == input ? "standard input" : input.toString();
        if (null != input && Files.isDirectory(input))
        {
            throw new IllegalArgumentException(input + ": is a directory, not a file of lines");
        }
        try (InputStream in = null == input ? new FilterInputStream(System.in)
            {
                @Override
                public void close()
                {
                    // Standard input stays open: it is not this command's.
                }
            } : Files.newInputStream(input);
             MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final Lines lines = new Lines(in, source, producer.maxMessageLength());
            final UnsafeBuffer message = new UnsafeBuffer(lines.bytes);
            long length;
            while ((length = lines.next()) >= 0)
            {
                if (length > producer.maxMessageLength())
                {
                    throw new IllegalArgumentException("line " + (published + 1) + " is " + length +
                        " bytes, more than the queue's max message length of " + producer.maxMessageLength());
                }
                if (producer.offer(message, 0, (int)length, (long)(timeout * 1e9), TimeUnit.NANOSECONDS) < 0)
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

    /**
     * The lines of an input, as bytes: each ends at a '\n' (not part of it) or at the end of the input.
     */
    private static final class Lines
    {
        final byte[] bytes;
        private final InputStream in;
        private final String source;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;

        Lines(final InputStream in, final String source, final int maxLength)
        {
            this.in = in;
            this.source = source;
            this.bytes = new byte[maxLength];
        }

        /**
         * Reads the next line into {@link #bytes} (as much of it as fits).
         *
         * @return its length in bytes (more than {@code bytes.length} if it did not fit), or -1 at the end.
         */
        long next() throws IOException
        {
            long length = 0;
            boolean any = false;
            while (true)
            {
                if (position == limit && !fill())
                {
                    return any ? length : -1;
                }
                any = true;
                int end = position;
                while (end < limit && buffer[end] != '\n')
                {
                    end++;
                }
                final int chunk = end - position;
                if (length < bytes.length)
                {
                    System.arraycopy(buffer, position, bytes, (int)length, (int)Math.min(chunk, bytes.length - length));
                }
                length += chunk;
                if (end < limit)
                {
                    position = end + 1;
                    return length;
                }
                position = end;
            }
        }

        private boolean fill() throws IOException
        {
            final int read;
            try
            {
                read = in.read(buffer);
            }
            catch (final IOException ex)
            {
                throw new IOException(source + ": cannot read it: " + ex.getMessage(), ex);
            }
            if (read <= 0)
            {
                return false;
            }
            position = 0;
            limit = read;
            return true;
        }
    }
}
