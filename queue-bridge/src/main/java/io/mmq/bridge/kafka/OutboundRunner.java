package io.mmq.bridge.kafka;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

import io.mmq.MessageQueue;
import io.mmq.bridge.BridgeStatus;

/**
 * Runs a prepared {@link KafkaOutbound} the way a command does: a line when it starts, a progress line
 * every interval, one line per session and failure, a last line when it stops; and on SIGTERM (or Ctrl-C)
 * it commits what it has sent before the JVM ends. Lines are {@code word key=value ...}:
 *
 * <pre>
 * started queue=/dev/shm/orders.mmq name=bridge:orders target=kafka://127.0.0.1:9092/orders transactional-id=mmq-bridge:orders
 * session topic-position=-1 consumer-position=0 producer-position=81920 last-offset=-1
 * progress forwarded=1200 inflight=300 lag=40960 retries=0 restarts=0 skipped=0 position=40960
 * restart in=100ms after TimeoutException: ...
 * stopped forwarded=... (the counters)
 * </pre>
 */
public final class OutboundRunner
{
    private OutboundRunner()
    {
    }

    /**
     * @param source   how to name the queue in the first line.
     * @param progress how often to print the counters; zero or null for never.
     */
    public static void run(final KafkaOutbound bridge, final MessageQueue queue, final String source, final PrintWriter out,
        final Duration progress)
    {
        final BridgeStatus status = BridgeStatus.start(Path.of(source), bridge.consumerName(), "out", source,
            bridge.target().toString());
        BridgeRunner.run(bridge, events -> bridge.run(queue, events), "started queue=" + source + " name=" + bridge.consumerName() + " target=" +
            bridge.target() + " transactional-id=" + bridge.transactionalId(), out, progress, status);
    }
}
