package io.mmq.examples.bench.group;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.GroupOptions;
import io.mmq.MessageHandler;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.agrona.DirectBuffer;

/**
 * One reader of {@link GroupThroughputBenchmark} in its own JVM: a member of the group, or (with no group)
 * an anonymous consumer, the broadcast baseline. It prints {@code JOINED}, handles messages (reading
 * each one's first word, then spinning {@code workNanos} as a stand-in for real work) with a blocking
 * poll, so it uses no CPU while idle, until its standard input ends; then it prints
 * {@code HANDLED count=N sum=S}.
 */
public final class GroupMemberRole implements MessageHandler
{
    private final long workNanos;
    private long count;
    private long sum;

    private GroupMemberRole(final long workNanos)
    {
        this.workNanos = workNanos;
    }

    /**
     * @param group the group to join, or {@code -} for an anonymous consumer.
     */
    public static int run(final Path file, final String group, final int batch, final long workNanos) throws Exception
    {
        final GroupMemberRole role = new GroupMemberRole(workNanos);
        final Thread stdin = new Thread(GroupMemberRole::awaitEndOfInput);
        try (MappedQueue queue = MappedQueue.open(file);
             Consumer reader = "-".equals(group) ? queue.consumer(StartPosition.LATEST) :
                 queue.groupMember(GroupOptions.member(group).withBatch(batch)))
        {
            System.out.println("JOINED");
            stdin.setDaemon(true);
            stdin.start();
            while (stdin.isAlive())
            {
                reader.poll(role, 256, 10, TimeUnit.MILLISECONDS);
            }
            System.out.println("HANDLED count=" + role.count + " sum=" + role.sum);
        }
        return 0;
    }

    private static void awaitEndOfInput()
    {
        try (InputStream in = System.in)
        {
            while (in.read() >= 0)
            {
                // nothing to read but the end
            }
        }
        catch (final IOException ignore)
        {
            // the benchmark is gone: stop as well
        }
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        sum += buffer.getLong(offset);
        count++;
        if (workNanos > 0)
        {
            final long until = System.nanoTime() + workNanos;
            while (System.nanoTime() - until < 0)
            {
                Thread.onSpinWait();
            }
        }
    }
}
