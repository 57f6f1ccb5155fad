package io.mmq.mmap.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Gives a new queue file its full length.
 */
final class FileSpace
{
    private FileSpace()
    {
    }

    /**
     * Extends {@code channel} to {@code length} bytes of zeros. Writing the last byte makes the file its
     * full length; the blocks in between are allocated by the filesystem on first touch.
     */
    static void allocate(final FileChannel channel, final Path file, final long length) throws IOException
    {
        channel.write(ByteBuffer.allocate(1), length - 1);
        if (channel.size() != length)
        {
            throw new IOException(file + ": could not extend the file to " + length + " bytes");
        }
    }
}
