package io.mmq.mmap.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For Windows: extending an NTFS file allocates its clusters (files are not sparse unless marked so),
 * so writing its last byte reserves the space or fails with "disk full" at once.
 */
final class ExtendingFileAllocation implements FileAllocation
{
    @Override
    public void allocate(final Path file, final FileChannel channel, final long length) throws IOException
    {
        final long free = Files.getFileStore(file).getUsableSpace();
        if (free < length)
        {
            throw new InsufficientSpaceException(
                file + ": needs " + length + " bytes but the filesystem has only " + free + " bytes free");
        }
        channel.write(ByteBuffer.allocate(1), length - 1);
    }
}
