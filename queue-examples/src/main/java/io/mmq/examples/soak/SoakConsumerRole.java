package io.mmq.examples.soak;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.MessageHandler;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.agrona.DirectBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The soak's consumer process. It checks every message as it arrives: after the first it receives, each
 * must be the next sequence number (no gap, no repeat) with every byte intact; the end marker must name
 * the number that comes next. It stops at the first violation.
 *
 * <p>Prints {@code JOINED}, then {@code AT first=F last=L count=C} about every 200 ms, and at the end
 * marker {@code DONE first=F last=L count=C end=E}; on a violation {@code FAILED ...} and exit code 1.
 */
@Command(name = "consumer", hidden = true)
public final class SoakConsumerRole implements Callable<Integer>, MessageHandler
{
    @Parameters(index = "0")
    Path file;

    @Parameters(index = "1")
    StartPosition start;

    private SoakMessages messages;
    private long first = -1;
    private long last = -1;
    private long count;
    private long end = -1;
    private String failure;

    @Override
    public Integer call()
    {
        try (MappedQueue queue = MappedQueue.open(file); Consumer consumer = queue.consumer(start))
        {
            messages = new SoakMessages(queue.options().maxMessageLength());
            System.out.println("JOINED");
            long reportAt = System.nanoTime();
            while (end < 0 && null == failure)
            {
                consumer.poll(this, 256, 100, TimeUnit.MILLISECONDS);
                if (System.nanoTime() - reportAt >= 0)
                {
                    System.out.println("AT " + counts());
                    reportAt = System.nanoTime() + 200_000_000L;
                }
            }
        }
        if (null != failure)
        {
            System.out.println("FAILED " + failure + " (" + counts() + ")");
            return 1;
        }
        System.out.println("DONE " + counts() + " end=" + end);
        return 0;
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null != failure || end >= 0)
        {
            failure = null != failure ? failure : "a message after the end marker";
            return;
        }
        if (length == SoakMessages.END_LENGTH)
        {
            end = buffer.getLong(offset);
            if (last >= 0 && end != last + 1)
            {
                failure = "the end marker says " + end + " messages, but the last one received was " + last;
            }
            return;
        }
        final long expected = last >= 0 ? last + 1 : buffer.getLong(offset);
        failure = messages.check(buffer, offset, length, expected);
        if (null == failure)
        {
            first = first >= 0 ? first : expected;
            last = expected;
            count++;
        }
    }

    private String counts()
    {
        return "first=" + first + " last=" + last + " count=" + count;
    }
}
