package io.mmq.examples.samples;

import java.time.Duration;

import io.mmq.MmqException;
import io.mmq.examples.demo.ChildProcess;
import io.mmq.mmap.MappedQueue;

/**
 * Waiting for consumers to join a queue before publishing to it. A consumer that joins at
 * {@code LATEST} receives only what is published after it joined, so a producer whose readers must see
 * everything waits for them first.
 */
public final class Consumers
{
    private Consumers()
    {
    }

    /**
     * Waits until at least {@code count} consumers hold a slot of {@code queue}.
     *
     * @param starting processes expected to join: if one of them ends first, waiting is pointless.
     * @throws MmqException if they have not joined after {@code timeout}, or one of {@code starting} ended.
     */
    public static void awaitJoined(
        final MappedQueue queue, final int count, final Duration timeout, final ChildProcess... starting)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (queue.counters().heldSlots() < count)
        {
            for (final ChildProcess child : starting)
            {
                if (!child.isAlive())
                {
                    throw new MmqException(child.name() + " ended before joining " + queue.path() + ": " +
                        child.errors().strip());
                }
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new MmqException(queue.path() + ": " + queue.counters().heldSlots() + " consumer(s) joined within " +
                    timeout.toSeconds() + " s, expected " + count);
            }
            Thread.sleep(10);
        }
    }
}
