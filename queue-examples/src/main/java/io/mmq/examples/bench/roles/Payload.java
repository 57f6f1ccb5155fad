package io.mmq.examples.bench.roles;

/**
 * The first bytes of every benchmark message; the rest of the message is left as it is. A message is
 * at least {@link #MIN_LENGTH} bytes.
 *
 * <pre>
 *  0                   8           12
 *  +-------------------+-----------+------------...
 *  | sequence (long)   | phase     | unread bytes
 *  +-------------------+-----------+------------...
 * </pre>
 */
final class Payload
{
    static final int SEQUENCE_OFFSET = 0;
    static final int PHASE_OFFSET = 8;
    public static final int MIN_LENGTH = 16;

    /** One-way phases: warm-up messages are checked but not timed; the end message carries the count. */
    static final int WARMUP = 0;
    static final int MEASURED = 1;
    static final int END = 2;

    /** Ping-pong: the sequence of the message that opens the idle window, and of the one that ends the run. */
    static final long IDLE_MARK = -1;
    static final long END_MARK = -2;

    private Payload()
    {
    }
}
