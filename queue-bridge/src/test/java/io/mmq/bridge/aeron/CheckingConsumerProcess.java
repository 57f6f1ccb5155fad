package io.mmq.bridge.aeron;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * The far consumer, in its own JVM: reads a queue from its start and checks every message against
 * {@link CheckedMessages} (sequence, length, every byte, in order) until it has {@code count}. It can stall:
 * after {@code pauseAt} messages it stops polling (holding its slot, so the queue fills) until a line
 * {@code resume} arrives on its standard input.
 *
 * <p>Arguments: file seed maxLength count pauseAt(-1 for never). Prints {@code JOINED}, {@code PAUSED
 * received=N}, {@code RESUMED}, {@code AT received=N} every 10,000, then {@code DONE received=N crc=C}, or
 * {@code FAILED ...} and exits 1.
 */
public final class CheckingConsumerProcess
{
    private final CheckedMessages messages;
    private long next;

    private CheckingConsumerProcess(final CheckedMessages messages)
    {
        this.messages = messages;
    }

    public static void main(final String[] args)
    {
        final Path file = Path.of(args[0]);
        final CheckedMessages messages = new CheckedMessages(Long.parseLong(args[1]), Integer.parseInt(args[2]));
        final long count = Long.parseLong(args[3]);
        final long pauseAt = Long.parseLong(args[4]);
        try (MappedQueue queue = MappedQueue.open(file); Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            final CheckingConsumerProcess checker = new CheckingConsumerProcess(messages);
            System.out.println("JOINED position=" + consumer.position());
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            long reported = 0;
            while (checker.next < count)
            {
                final long limit = pauseAt > checker.next ? Math.min(256, pauseAt - checker.next) : 256;
                idle.idle(consumer.poll(checker::onMessage, (int)limit));
                if (checker.next == pauseAt)
                {
                    System.out.println("PAUSED received=" + checker.next);
                    new BufferedReader(new InputStreamReader(System.in)).readLine();
                    System.out.println("RESUMED");
                }
                if (checker.next - reported >= 10_000)
                {
                    reported = checker.next;
                    System.out.println("AT received=" + reported);
                }
            }
            System.out.println("DONE received=" + checker.next + " crc=" + messages.checksum());
        }
        catch (final Throwable ex)
        {
            System.out.println("FAILED " + ex);
            ex.printStackTrace();
            System.exit(1);
        }
    }

    private void onMessage(final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        final String failure = messages.check(buffer, offset, length, next);
        if (null != failure)
        {
            throw new AssertionError(failure);
        }
        messages.checksum(buffer, offset, length);
        next++;
    }
}
