package io.mmq.examples.bench.harness;

/**
 * The part a process plays in one benchmark run. Passive roles are started first and report that they
 * are ready (joined a queue, bound a socket) before the active role that drives the run starts.
 */
public enum Role
{
    /** Sends a message, waits for its echo, records the round trip: the latency run's driver. */
    PING(false),
    /** Echoes every message back to the pinger. */
    PONG(true),
    /** Publishes as fast as the consumers allow: the throughput run's driver. */
    PRODUCER(false),
    /** Receives every message and checks the sequence; one of 1 to N. */
    CONSUMER(true);

    private final boolean passive;

    Role(final boolean passive)
    {
        this.passive = passive;
    }

    public boolean passive()
    {
        return passive;
    }
}
