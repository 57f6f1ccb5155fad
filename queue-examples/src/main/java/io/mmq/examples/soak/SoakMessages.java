package io.mmq.examples.soak;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The soak's traffic. Data message {@code seq} is at least 16 bytes: its sequence number, then bytes
 * derived from it, with a length derived from it, so a consumer checks every byte of every message
 * without any framing of its own. The stream ends with one 8-byte message, the end marker, that holds the
 * number of data messages before it.
 */
final class SoakMessages
{
    static final int MIN_LENGTH = 16;
    static final int END_LENGTH = 8;

    private final int maxLength;

    SoakMessages(final int maxLength)
    {
        if (maxLength < MIN_LENGTH)
        {
            throw new IllegalArgumentException("the soak needs messages of at least " + MIN_LENGTH + " bytes");
        }
        this.maxLength = maxLength;
    }

    int length(final long seq)
    {
        return MIN_LENGTH + (int)((mix(seq) >>> 1) % (maxLength - MIN_LENGTH + 1));
    }

    /**
     * @return the length of data message {@code seq}, written at offset 0 of {@code buffer}.
     */
    int write(final MutableDirectBuffer buffer, final long seq)
    {
        final int length = length(seq);
        buffer.putLong(0, seq);
        final long pattern = mix(seq);
        for (int i = 8; i < length; i++)
        {
            buffer.putByte(i, byteAt(pattern, i));
        }
        return length;
    }

    /**
     * @return null if the bytes are data message {@code seq}, intact; otherwise what is wrong.
     */
    String check(final DirectBuffer buffer, final int offset, final int length, final long seq)
    {
        final long got = buffer.getLong(offset);
        if (got != seq)
        {
            return "expected message " + seq + ", got message " + got + (got < seq ? " (a repeat)" : " (a gap)");
        }
        if (length != length(seq))
        {
            return "message " + seq + " is " + length + " bytes, expected " + length(seq);
        }
        final long pattern = mix(seq);
        for (int i = 8; i < length; i++)
        {
            if (buffer.getByte(offset + i) != byteAt(pattern, i))
            {
                return "message " + seq + ": byte " + i + " differs (a torn message)";
            }
        }
        return null;
    }

    private static byte byteAt(final long pattern, final int i)
    {
        return (byte)((pattern >>> ((i & 7) << 3)) + i);
    }

    private static long mix(final long seq)
    {
        long z = seq * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
