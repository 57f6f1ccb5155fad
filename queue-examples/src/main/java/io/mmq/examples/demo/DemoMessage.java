package io.mmq.examples.demo;

/**
 * What the demo's producer sends: a sequence number, the send time and the phase, then filler up to the
 * chosen size. Both ends are on one machine, so {@link System#nanoTime()} is one clock for all of them.
 *
 * <pre>
 *  0: int64 sequence number, from 0
 *  8: int64 System.nanoTime() when the message was published
 * 16: int32 phase: THROUGHPUT, LATENCY or END
 * </pre>
 */
final class DemoMessage
{
    static final int SEQUENCE_OFFSET = 0;
    static final int SENT_AT_OFFSET = 8;
    static final int PHASE_OFFSET = 16;
    static final int MIN_LENGTH = 20;

    /** Published as fast as the consumers allow: measures throughput. */
    static final int THROUGHPUT = 0;

    /** Published at a steady rate the consumers can keep up with: measures latency. */
    static final int LATENCY = 1;

    /** The last message: consumers stop after it. */
    static final int END = 2;

    private DemoMessage()
    {
    }
}
