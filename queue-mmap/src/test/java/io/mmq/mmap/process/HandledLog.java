package io.mmq.mmap.process;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a group member process has handled, kept where a {@code kill -9} cannot lose it: a mapped file
 * (the kernel keeps a killed process's stores to a shared mapping), little-endian, an {@code i64} count
 * at offset 0 and then that many {@code i64} sequence numbers in the order they were handled. A member
 * appends after its handler has checked the message; the count is stored last (ordered), so a reader
 * sees only whole entries. The Python group member writes the same file.
 */
public final class HandledLog implements AutoCloseable
{
    private final MappedByteBuffer mapping;
    private final UnsafeBuffer buffer;
    private long count;

    private HandledLog(final MappedByteBuffer mapping)
    {
        this.mapping = mapping;
        this.buffer = new UnsafeBuffer(mapping);
        this.count = buffer.getLongVolatile(0);
    }

    /** Creates (zero-filled) or opens a log with room for {@code capacity} entries. */
    public static HandledLog open(final Path file, final long capacity) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE))
        {
            return new HandledLog(channel.map(FileChannel.MapMode.READ_WRITE, 0, 8 * (capacity + 1)));
        }
    }

    /** Opens an existing log whole, to read it while its writer may still append. */
    public static HandledLog read(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            return new HandledLog(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size()));
        }
    }

    public void append(final long sequence)
    {
        buffer.putLong((int)(8 + 8 * count), sequence);
        count++;
        buffer.putLongOrdered(0, count);
    }

    public long count()
    {
        return buffer.getLongVolatile(0);
    }

    /** @return every entry written so far, in order. */
    public long[] entries()
    {
        final long[] entries = new long[(int)count()];
        for (int i = 0; i < entries.length; i++)
        {
            entries[i] = buffer.getLong(8 + 8 * i);
        }
        return entries;
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapping);
    }
}
