package io.mmq.bridge.kafka;

import java.time.Duration;

/**
 * What {@link BridgeRunner} needs of a running bridge, in either direction: a way to stop it from another
 * thread, and its counters as a progress line.
 */
interface StoppableBridge
{
    /** Asks the bridge's run to finish cleanly and return. Safe from any thread, and twice. */
    void stop();

    /** @return the counters as {@code key=value} pairs. */
    String counterLine();

    /** @return how long a shutdown hook waits for the run to return after {@link #stop()}. */
    Duration stopGrace();
}
