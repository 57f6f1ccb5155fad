package io.mmq.mmap;

import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The test traffic: message {@code seq} has a length and content derived from {@code seq} and a seed, so
 * a receiver that counts messages can check each one completely (length, every byte, order) without
 * any framing of its own; even a zero-length message is checked. Messages of 8 bytes or more start
 * with their sequence number, which makes failures readable.
 */
public final class CheckedMessages
{
    private final long seed;
    private final int maxLength;
    private final CRC32C crc = new CRC32C();
    private byte[] scratch = new byte[0];

    public CheckedMessages(final long seed, final int maxLength)
    {
        this.seed = seed;
        this.maxLength = maxLength;
    }

    public int length(final long seq)
    {
        final long h = mix(seed ^ (seq * 0x9E3779B97F4A7C15L));
        // One message in 16 is exactly zero or exactly the maximum: the edges are where bugs live.
        switch ((int)(h & 15))
        {
            case 0:
                return 0;
            case 1:
                return maxLength;
            default:
                return (int)((h >>> 8) % (maxLength + 1));
        }
    }

    public int write(final MutableDirectBuffer buffer, final int offset, final long seq)
    {
        final int length = length(seq);
        final long base = mix(seed + seq);
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            buffer.putLong(offset + i, i == 0 ? seq : word(base, i));
        }
        for (; i < length; i++)
        {
            buffer.putByte(offset + i, byteAt(base, i));
        }
        return length;
    }

    /**
     * @return null if the message is message {@code seq}, intact; otherwise what is wrong.
     */
    public String check(final DirectBuffer buffer, final int offset, final int length, final long seq)
    {
        if (length >= 8 && buffer.getLong(offset) != seq)
        {
            return "expected message " + seq + " but got message " + buffer.getLong(offset);
        }
        final int expectedLength = length(seq);
        if (length != expectedLength)
        {
            return "message " + seq + ": length " + length + ", expected " + expectedLength;
        }
        final long base = mix(seed + seq);
        int i = 8;
        for (; i + 8 <= length; i += 8)
        {
            if (buffer.getLong(offset + i) != word(base, i))
            {
                return "message " + seq + ": bytes " + i + " to " + (i + 7) + " differ";
            }
        }
        for (i = length < 8 ? 0 : i; i < length; i++)
        {
            if (buffer.getByte(offset + i) != byteAt(base, i))
            {
                return "message " + seq + ": byte " + i + " differs";
            }
        }
        return null;
    }

    /** The content word at byte {@code i} (a multiple of 8); byte {@code i + k} is its k-th byte, little-endian. */
    private static long word(final long base, final int i)
    {
        return mix(base + i);
    }

    private static byte byteAt(final long base, final int i)
    {
        return (byte)(word(base, i & ~7) >>> ((i & 7) << 3));
    }

    /**
     * Adds a message to the running checksum of the stream.
     */
    public void checksum(final DirectBuffer buffer, final int offset, final int length)
    {
        if (scratch.length < length)
        {
            scratch = new byte[length];
        }
        buffer.getBytes(offset, scratch, 0, length);
        crc.update(scratch, 0, length);
        crc.update(length);
    }

    public long checksum()
    {
        return crc.getValue();
    }

    private static long mix(final long z0)
    {
        long z = z0;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
