package io.mmq.mmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes a queue file's little-endian integers at a file offset, through the file system, for
 * tests that damage a file or look at its bytes. Works whether or not a queue maps the file (the same page
 * cache, so the same bytes), but call it only while no queue of this JVM has the file open: closing another
 * descriptor of a file drops this process's POSIX record locks on it.
 */
public final class FileBytes
{
    private FileBytes()
    {
    }

    public static int readInt(final Path file, final int offset) throws IOException
    {
        return read(file, offset, Integer.BYTES).getInt(0);
    }

    public static long readLong(final Path file, final int offset) throws IOException
    {
        return read(file, offset, Long.BYTES).getLong(0);
    }

    public static void writeInt(final Path file, final int offset, final int value) throws IOException
    {
        write(file, offset, ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value));
    }

    public static void writeLong(final Path file, final int offset, final long value) throws IOException
    {
        write(file, offset, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value));
    }

    private static ByteBuffer read(final Path file, final int offset, final int length) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            while (bytes.hasRemaining())
            {
                if (channel.read(bytes, offset + bytes.position()) < 0)
                {
                    throw new IOException(file + ": ends before offset " + (offset + length));
                }
            }
        }
        return bytes;
    }

    private static void write(final Path file, final int offset, final ByteBuffer bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            while (bytes.hasRemaining())
            {
                channel.write(bytes, offset + bytes.position());
            }
        }
    }
}
