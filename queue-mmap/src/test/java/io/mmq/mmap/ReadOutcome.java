package io.mmq.mmap;

import java.util.zip.CRC32;

import io.mmq.MessageHandler;
import org.agrona.DirectBuffer;

/**
 * What a consumer made of a (possibly damaged) queue: how many messages it delivered, a CRC-32 of them
 * (each message's length as 4 little-endian bytes, then its bytes), and whether it ended in an error.
 * The Python reader's corpus test computes the same from the same file.
 */
final class ReadOutcome implements MessageHandler
{
    private final CRC32 crc = new CRC32();
    private final byte[] length = new byte[4];
    private byte[] scratch = new byte[64];
    int delivered;
    boolean failed;

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        delivered++;
        for (int i = 0; i < 4; i++)
        {
            this.length[i] = (byte)(length >>> (8 * i));
        }
        crc.update(this.length);
        if (scratch.length < length)
        {
            scratch = new byte[length];
        }
        buffer.getBytes(offset, scratch, 0, length);
        crc.update(scratch, 0, length);
    }

    long checksum()
    {
        return crc.getValue();
    }
}
