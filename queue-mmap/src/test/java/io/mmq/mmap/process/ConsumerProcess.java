package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * A consumer in its own JVM: joins, then checks every message it receives (order, length, every byte)
 * until it has received message {@code count - 1}. A consumer that joins mid-stream learns where it
 * joined from the first message long enough to carry its sequence number, and checks the lengths of
 * the few shorter ones before it afterwards.
 *
 * <p>Arguments: file start(LATEST|EARLIEST) seed maxLength count [backoff|block]. With {@code block} it
 * waits for messages asleep in the kernel (30 s at a time) and counts the waits that timed out: with the
 * producer never idle that long, any timeout is a lost wake-up.
 * Prints {@code JOINED slot=S position=P}, then {@code DONE first=F received=R crc=C timeouts=T}, or
 * {@code FAILED ...} and exits 1.
 */
public final class ConsumerProcess
{
    private static final int MAX_UNNUMBERED = 10_000;

    private final CheckedMessages messages;
    private final int[] unnumberedLengths = new int[MAX_UNNUMBERED];
    private int unnumbered;
    private long first = -1;
    private long next = -1;
    private long received;

    private ConsumerProcess(final CheckedMessages messages, final boolean fromTheStart)
    {
        this.messages = messages;
        if (fromTheStart)
        {
            first = 0;
            next = 0;
        }
    }

    public static void main(final String[] args)
    {
        final Path file = Path.of(args[0]);
        final StartPosition start = StartPosition.valueOf(args[1]);
        final CheckedMessages messages = new CheckedMessages(Long.parseLong(args[2]), Integer.parseInt(args[3]));
        final long count = Long.parseLong(args[4]);

        try (MappedQueue queue = MappedQueue.open(file); Consumer consumer = queue.consumer(start))
        {
            final ConsumerProcess checker = new ConsumerProcess(messages, consumer.position() == 0);
            System.out.println("JOINED slot=" + consumer.slot() + " position=" + consumer.position());
            final boolean block = args.length > 5 && "block".equals(args[5]);
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            long timeouts = 0;
            while (checker.next < count)
            {
                if (block)
                {
                    if (consumer.poll(checker::onMessage, 256, 30, java.util.concurrent.TimeUnit.SECONDS) == 0)
                    {
                        timeouts++;
                    }
                }
                else
                {
                    idle.idle(consumer.poll(checker::onMessage, 256));
                }
            }
            System.out.println("DONE first=" + checker.first + " received=" + checker.received +
                " crc=" + messages.checksum() + " timeouts=" + timeouts);
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
        received++;
        messages.checksum(buffer, offset, length);
        if (next < 0)
        {
            if (length < 8)
            {
                if (unnumbered == MAX_UNNUMBERED)
                {
                    throw new AssertionError("no numbered message among the first " + MAX_UNNUMBERED);
                }
                unnumberedLengths[unnumbered++] = length;
                return;
            }
            next = buffer.getLong(offset);
            first = next - unnumbered;
            for (int i = 0; i < unnumbered; i++)
            {
                if (messages.length(first + i) != unnumberedLengths[i])
                {
                    throw new AssertionError("message " + (first + i) + " has length " + unnumberedLengths[i] +
                        ", expected " + messages.length(first + i));
                }
            }
        }
        final String failure = messages.check(buffer, offset, length, next);
        if (null != failure)
        {
            throw new AssertionError(failure);
        }
        next++;
    }
}
