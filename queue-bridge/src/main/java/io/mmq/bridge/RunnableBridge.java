package io.mmq.bridge;

import java.util.function.Consumer;

/**
 * A bridge as {@link BridgeRunner} runs it, whatever its engine and direction: it runs on the calling
 * thread until stopped (or idle, or failed), can be asked to stop from another thread, and shows its
 * counters as {@code key=value} pairs.
 */
public interface RunnableBridge
{
    /**
     * Runs until {@link #stop()}, its idle exit, or a failure it cannot get over.
     *
     * @param events one line for each thing worth a line (a session, a gap, a restart), never per message.
     * @throws io.mmq.MmqException when it cannot go on; the message is one line for the user.
     */
    void run(Consumer<String> events);

    /**
     * Asks {@link #run} to finish what it promises to finish on a clean stop and return. Safe from any
     * thread, and twice.
     */
    void stop();

    /**
     * @return the counters as {@code key=value} pairs, for progress lines; read from any thread.
     */
    String counters();
}
