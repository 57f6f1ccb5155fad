package io.mmq.examples.demo;

import java.nio.file.Path;
import java.util.Objects;

import io.mmq.QueueOptions;

/**
 * What a demo run does: how many messages in each phase, how big, to how many consumers, over what ring.
 *
 * @param messages         messages in the throughput phase (may be 0).
 * @param size             bytes per message.
 * @param consumers        consumer processes.
 * @param latencyMessages  messages in the paced latency phase.
 * @param rate             messages per second in the latency phase.
 * @param idle             how the processes wait for one another.
 * @param capacity         ring capacity in bytes.
 * @param pretouch         whether producer and consumers pretouch the ring when they open it.
 * @param results          where latency percentile files go.
 * @param pythonDirectory  the mmq Python package's directory, to add a Python consumer; {@code null} for none.
 */
public record DemoPlan(
    long messages, int size, int consumers, long latencyMessages, long rate, DemoIdle idle, int capacity,
    boolean pretouch, Path results, Path pythonDirectory)
{
    public DemoPlan
    {
        if (size < DemoMessage.MIN_LENGTH || size > QueueOptions.maxMessageLengthLimit(capacity))
        {
            throw new IllegalArgumentException("--size must be from " + DemoMessage.MIN_LENGTH + " to " +
                QueueOptions.maxMessageLengthLimit(capacity) + " for this ring: " + size);
        }
        if (consumers < 1 || consumers > 64)
        {
            throw new IllegalArgumentException("--consumers must be from 1 to 64: " + consumers);
        }
        if (messages < 0 || latencyMessages < 0 || rate < 1)
        {
            throw new IllegalArgumentException(
                "--messages and --latency-messages must not be negative, --rate must be positive");
        }
        Objects.requireNonNull(idle, "idle");
    }

    /**
     * @return the demo's usual run with these counts: a 1 MiB ring, pretouched.
     */
    public static DemoPlan of(
        final long messages, final int size, final int consumers, final long latencyMessages, final long rate,
        final DemoIdle idle, final Path results)
    {
        return new DemoPlan(messages, size, consumers, latencyMessages, rate, idle, 1 << 20, true, results, null);
    }

    /**
     * @return this plan with a Python consumer from {@code pythonDirectory} beside the Java ones.
     */
    public DemoPlan withPython(final Path pythonDirectory)
    {
        return new DemoPlan(messages, size, consumers, latencyMessages, rate, idle, capacity, pretouch, results,
            pythonDirectory);
    }

    /**
     * @return the processes that share the queue: the producer, the Java consumers and a Python one if it can start.
     */
    public int processes()
    {
        return processes(consumers, pythonDirectory);
    }

    /**
     * @return the processes a plan of {@code consumers} Java consumers shares the queue between: them, the
     *         producer, and a Python consumer if one can start from {@code pythonDirectory}.
     */
    public static int processes(final int consumers, final Path pythonDirectory)
    {
        return 1 + consumers + (ChildProcess.pythonCanStart(pythonDirectory) ? 1 : 0);
    }

    QueueOptions queueOptions()
    {
        return QueueOptions.defaults().withCapacity(capacity).withConsumerSlots(Math.max(consumers + 1, 4))
            .withPretouch(pretouch);
    }
}
