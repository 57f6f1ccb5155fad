package io.mmq.bridge.kafka;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Consumer;

import io.mmq.bridge.RunnableBridge;

/**
 * The Kafka bridges' way into the runner every bridge shares ({@link io.mmq.bridge.BridgeRunner}: a
 * {@code started ...} line, a {@code progress ...} line every interval, the bridge's own lines, a
 * {@code stopped ...} line, and a SIGTERM that waits for a clean stop within the bridge's grace): it adapts a
 * {@link StoppableBridge} and the work that runs it.
 */
final class BridgeRunner
{
    private BridgeRunner()
    {
    }

    /**
     * @param work     runs the bridge until it stops, giving its event lines to the consumer it is handed.
     * @param started  the first line, without a newline.
     * @param progress how often to print the counters; zero or null for never.
     * @param status   the bridge's status file, which {@code mmq stat} shows.
     */
    static void run(final StoppableBridge bridge, final Consumer<Consumer<String>> work, final String started,
        final PrintWriter out, final Duration progress, final io.mmq.bridge.BridgeStatus status)
    {
        io.mmq.bridge.BridgeRunner.run(new RunnableBridge()
        {
            @Override
            public void run(final Consumer<String> events)
            {
                work.accept(events);
            }

            @Override
            public void stop()
            {
                bridge.stop();
            }

            @Override
            public String counters()
            {
                return bridge.counterLine();
            }
        }, started, out, progress, bridge.stopGrace(), status);
    }
}
