package io.mmq.bridge.bench;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The benchmark's message: a sequence number and the sender's clock, then filler to the chosen size.
 * Every role runs on one machine, where {@link System#nanoTime()} reads the system-wide monotonic clock
 * (CLOCK_MONOTONIC on Linux), so a receiver in another process can subtract the sender's reading.
 *
 * <pre>
 *   0               8               16                   size
 *   | sequence (8)  | sent at (8)   | filler (zeros) ... |
 * </pre>
 */
final class BenchMessage
{
    static final int SEQUENCE_OFFSET = 0;
    static final int SENT_AT_OFFSET = 8;
    static final int MIN_SIZE = 16;

    private BenchMessage()
    {
    }

    static void write(final MutableDirectBuffer buffer, final long sequence, final long sentAt)
    {
        buffer.putLong(SEQUENCE_OFFSET, sequence);
        buffer.putLong(SENT_AT_OFFSET, sentAt);
    }

    static long sequence(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SEQUENCE_OFFSET);
    }

    static long sentAt(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SENT_AT_OFFSET);
    }
}
