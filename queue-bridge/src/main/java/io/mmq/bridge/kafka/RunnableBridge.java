package io.mmq.bridge.kafka;

import java.time.Duration;
import java.util.function.Consumer;

import io.mmq.MessageQueue;

/**
 * What {@link BridgeRunner} needs of a bridge, in either direction: run until stopped, stop from another
 * thread, and its counters as a progress line.
 */
interface RunnableBridge
{
    /**
     * Runs until {@link #stop()} or the bridge's own end (idle exit); {@code events} gets one line per
     * session, failure and notice.
     */
    void run(MessageQueue queue, Consumer<String> events);

    /** Asks {@link #run} to finish cleanly and return. Safe from any thread, and twice. */
    void stop();

    /** @return the counters as {@code key=value} pairs. */
    String counterLine();

    /** @return how long a shutdown hook waits for {@link #run} to return after {@link #stop()}. */
    Duration stopGrace();
}
