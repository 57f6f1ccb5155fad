package io.mmq.mmap.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For other systems (macOS, the BSDs): write every byte, which allocates every block. Slower than
 * {@code posix_fallocate}, but the same guarantee.
 */
final class ZeroFillingFileAllocation implements FileAllocation
{
    private static final int CHUNK = 1 << 20;

    @Override
    public void allocate(final Path file, final FileChannel channel, final long length) throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);
        try
        {
            for (long position = 0; position < length; position += CHUNK)
            {
                zeros.clear().limit((int)Math.min(CHUNK, length - position));
                while (zeros.hasRemaining())
                {
                    channel.write(zeros, position + zeros.position());
                }
            }
            channel.force(false);
        }
        catch (final IOException ex)
        {
            final long free = Files.getFileStore(file).getUsableSpace();
            if (free < length)
            {
                throw new InsufficientSpaceException(
                    file + ": needs " + length + " bytes but the filesystem has only " + free + " bytes free");
            }
            throw ex;
        }
    }
}
