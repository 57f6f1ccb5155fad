package io.mmq.bridge.aeron;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * A reader of the far queue in the test's JVM, joined before any traffic, that keeps a copy of every message
 * it reads; it reads only when told to, so a test stalls the far side by not calling {@link #read()}.
 */
final class FarReader implements AutoCloseable
{
    private final Path file;
    private final MappedQueue queue;
    private final Consumer consumer;
    private final List<byte[]> messages = new ArrayList<>();

    FarReader(final Path file)
    {
        this.file = file;
        queue = MappedQueue.open(file);
        consumer = queue.consumer(StartPosition.EARLIEST);
    }

    /** Reads what is there. @return how many messages it read. */
    int read()
    {
        int total = 0;
        int read;
        while ((read = consumer.poll((buffer, offset, length) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            messages.add(copy);
        }, 1024)) > 0)
        {
            total += read;
        }
        return total;
    }

    /** Reads until it has at least {@code count} messages; fails after {@code seconds}. */
    void readUntil(final long count, final long seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (messages.size() < count)
        {
            if (0 == read())
            {
                if (System.nanoTime() - deadline >= 0)
                {
                    throw new AssertionError("the far queue has " + messages.size() + " messages after " + seconds +
                        " s, not " + count);
                }
                Thread.sleep(1);
            }
        }
    }

    /** @return how many bytes of the far queue are published and not read yet. */
    long lag()
    {
        return consumer.lag();
    }

    Path file()
    {
        return file;
    }

    List<byte[]> messages()
    {
        return messages;
    }

    @Override
    public void close()
    {
        consumer.close();
        queue.close();
    }
}
