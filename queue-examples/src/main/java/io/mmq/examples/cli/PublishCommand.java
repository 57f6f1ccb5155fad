package io.mmq.examples.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Publish each line of standard input (or of --input) as one message, as the queue's producer.",
        "A message is the line's bytes exactly as read, without its ending newline ('\\n'): no character set is " +
            "assumed, and a carriage return ('\\r') before the newline stays in the message. A last line without " +
            "a newline is published too.",
        "Stopped by a signal (Ctrl-C), it says on standard error how many messages it published."})
public final class PublishCommand implements Callable<Integer>
{
    /** The longest a full ring keeps a publish from noticing that a signal asked it to stop. */
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** How long a signal waits for a publish under way to end before it reports the count. */
    private static final long SIGNAL_WAIT_SECONDS = 2;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The queue file.")
    Path file;

    @Option(names = "--input", paramLabel = "LINES", description = "Read lines from this file instead of standard input.")
    Path input;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
        description = "Give up when the ring stays full this long (0 or more; default: ${DEFAULT-VALUE}).")
    double timeout;

    /**
     * Held while a message is published and when the count is read, so that the count is always the number
     * of messages committed to the queue. A shutdown hook takes it and never gives it back: nothing is
     * published after the count it reports. Fair, so that the hook gets it between two slices of a wait on a
     * full ring.
     */
    private final ReentrantLock publishing = new ReentrantLock(true);
    private volatile long published; // written by the main thread only, holding publishing
    private boolean reported; // guarded by publishing: the count has been said, by the command or the hook

    @Override
    public Integer call() throws Exception
    {
        if (!(timeout >= 0))
        {
            throw new ParameterException(spec.commandLine(), "--timeout must be 0 or more seconds, not " + seconds(timeout));
        }
        final String source = null == input ? "standard input" : input.toString();
        if (null != input && Files.isDirectory(input))
        {
            throw new IllegalArgumentException(input + ": is a directory, not a file of lines");
        }
        final Thread onSignal = new Thread(this::reportOnSignal, "mmq-publish-signal");
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
            Runtime.getRuntime().addShutdownHook(onSignal);
            final Lines lines = new Lines(in, source, producer.maxMessageLength());
            final UnsafeBuffer message = new UnsafeBuffer(lines.bytes);
            long length;
            while ((length = lines.next()) >= 0)
            {
                if (length > producer.maxMessageLength())
                {
                    throw new IllegalArgumentException(file + ": line " + (published + 1) + " is " + length +
                        " bytes, more than the queue's largest message (" + producer.maxMessageLength() + " bytes); " +
                        "published " + messages(published) + " before it");
                }
                publish(producer, message, (int)length);
            }
            publishing.lock();
            reported = true;
            spec.commandLine().getErr().println("published " + messages(published) + " to " + file);
            publishing.unlock();
        }
        finally
        {
            ShutdownHooks.remove(onSignal);
        }
        return 0;
    }

    private void publish(final Producer producer, final UnsafeBuffer message, final int length)
    {
        final long timeoutNanos = (long)(timeout * 1e9); // saturates at Long.MAX_VALUE
        final long start = System.nanoTime();
        while (true)
        {
            final long waited = System.nanoTime() - start;
            final long result;
            publishing.lock();
            try
            {
                result = producer.offer(message, 0, length, Math.max(0, Math.min(SLICE_NANOS, timeoutNanos - waited)),
                    TimeUnit.NANOSECONDS);
                if (result >= 0)
                {
                    published++;
                    return;
                }
            }
            finally
            {
                publishing.unlock();
            }
            if (result == Producer.CLOSED)
            {
                throw new MmqException(file + ": the producer was closed; published " + messages(published));
            }
            if (System.nanoTime() - start >= timeoutNanos)
            {
                throw new MmqException(file + ": the ring stayed full for " + seconds(timeout) + " s at line " +
                    (published + 1) + "; published " + messages(published) + " before it; are its consumers reading?");
            }
        }
    }

    /**
     * The shutdown hook: after a signal (Ctrl-C), says how many messages were published. It waits for a
     * message under way, then keeps the lock, so the count stays true until the JVM halts.
     */
    private void reportOnSignal()
    {
        try
        {
            if (!publishing.tryLock(SIGNAL_WAIT_SECONDS, TimeUnit.SECONDS))
            {
                spec.commandLine().getErr().println("mmq: " + file + ": interrupted; published at least " +
                    messages(published) + " (a publish under way did not end within " + SIGNAL_WAIT_SECONDS + " s)");
                spec.commandLine().getErr().flush();
                return;
            }
        }
        catch (final InterruptedException ex)
        {
            return;
        }
        if (!reported)
        {
            reported = true;
            spec.commandLine().getErr().println("mmq: " + file + ": interrupted; published " + messages(published));
            spec.commandLine().getErr().flush();
        }
    }

    static String messages(final long count)
    {
        return count + (count == 1 ? " message" : " messages");
    }

    static String seconds(final double seconds)
    {
        return seconds == Math.rint(seconds) && seconds < 1e15 ? String.valueOf((long)seconds) : String.valueOf(seconds);
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
