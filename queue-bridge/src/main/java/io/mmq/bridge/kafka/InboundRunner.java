package io.mmq.bridge.kafka;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

import io.mmq.MessageQueue;
import io.mmq.Producer;
import io.mmq.bridge.BridgeStatus;

/**
 * Runs a prepared {@link KafkaInbound} the way a command does: a line when it starts, a progress line
 * every interval, one line per session and failure, a last line when it stops; on SIGTERM (or Ctrl-C) it
 * stops after the record it is publishing. Lines are {@code word key=value ...}:
 *
 * <pre>
 * started source=kafka://127.0.0.1:9092/orders queue=/dev/shm/orders.mmq checkpoint=41
 * session checkpoint=41 next-offset=42 begin=0 end=2100
 * progress applied=1200 lag=300 offset=1243 backpressured=2 restarts=0
 * restart in=100ms after TimeoutException: ...
 * stopped applied=... (the counters)
 * </pre>
 */
public final class InboundRunner
{
    private InboundRunner()
    {
    }

    /**
     * Becomes the queue's producer, then runs the bridge with it until it stops.
     *
     * @param queueName how to name the queue in the first line.
     * @param progress  how often to print the counters; zero or null for never.
     */
    public static void run(final KafkaInbound bridge, final MessageQueue queue, final String queueName, final PrintWriter out,
        final Duration progress)
    {
        // Taken before the first line: a queue with another producer is refused with its one-line error alone.
        try (Producer producer = queue.producer())
        {
            final BridgeStatus status = BridgeStatus.start(Path.of(queueName), statusName(bridge.source()), "in",
                bridge.source().toString(), queueName);
            // A queue with a creation id (format 7 on) also keeps a checkpoint's source.
            final boolean keepsSources = queue.creationId() != MessageQueue.NO_CREATION_ID;
            BridgeRunner.run(bridge, events -> bridge.run(producer, keepsSources, events), "started source=" + bridge.source() +
                " queue=" + queueName + " checkpoint=" + producer.checkpoint(), out, progress, status);
        }
    }

    /** @return the inbound bridge's name in its status file: it reads no consumer, so it has no consumer name. */
    public static String statusName(final KafkaUri source)
    {
        return "kafka-in:" + source.topic();
    }
}
