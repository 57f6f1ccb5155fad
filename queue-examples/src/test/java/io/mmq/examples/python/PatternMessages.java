package io.mmq.examples.python;

import java.util.zip.CRC32;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Test traffic that a Python reader can check at C speed: message {@code seq} has a length from 0 to
 * the maximum derived from {@code seq}; from 8 bytes on it starts with {@code seq} (little-endian) and
 * the rest of its bytes are {@code seq % 251}; shorter messages are all {@code seq % 251}. Every side
 * also keeps a CRC-32 (zlib's) of all message bytes in order. The Python twin is
 * {@code queue-examples/python/tests/pattern_consumer.py}: change both together.
 */
final class PatternMessages
{
    private final int maxLength;
    private final CRC32 crc = new CRC32();
    private final byte[] scratch;

    PatternMessages(final int maxLength)
    {
        this.maxLength = maxLength;
        this.scratch = new byte[maxLength];
    }

    int length(final long seq)
    {
        return (int)(((seq * 2654435761L) & 0xFFFFFFFFL) % (maxLength + 1));
    }

    int write(final MutableDirectBuffer buffer, final int offset, final long seq)
    {
        final int length = length(seq);
        buffer.setMemory(offset, length, (byte)(seq % 251));
        if (length >= 8)
        {
            buffer.putLong(offset, seq);
        }
        buffer.getBytes(offset, scratch, 0, length);
        crc.update(scratch, 0, length);
        return length;
    }

    boolean check(final DirectBuffer buffer, final int offset, final int length, final long seq)
    {
        if (length != length(seq) || (length >= 8 && buffer.getLong(offset) != seq))
        {
            return false;
        }
        for (int i = length >= 8 ? 8 : 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(seq % 251))
            {
                return false;
            }
        }
        buffer.getBytes(offset, scratch, 0, length);
        crc.update(scratch, 0, length);
        return true;
    }

    long crc()
    {
        return crc.getValue();
    }
}
