package io.mmq.mmap.os;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * {@code posix_fallocate(3)} through JNA: the kernel reserves every block, or fails with {@code ENOSPC}
 * at once. On tmpfs (such as {@code /dev/shm}) this reserves the memory pages too.
 */
final class LinuxFileAllocation implements FileAllocation
{
    private static final int O_RDWR = 2;
    private static final int ENOSPC = 28;

    LinuxFileAllocation()
    {
        // Load libc now, so that a JNA that cannot load fails here, where a fallback is chosen.
        LibC.INSTANCE.getClass();
    }

    interface LibC extends Library
    {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags);

        int close(int fd);

        /** Returns 0 or an error number; does not set errno. */
        int posix_fallocate(int fd, long offset, long length);
    }

    @Override
    public void allocate(final Path file, final FileChannel channel, final long length) throws IOException
    {
        final int fd = LibC.INSTANCE.open(file.toString(), O_RDWR);
        if (fd < 0)
        {
            throw new IOException(file + ": cannot open to allocate, errno " + Native.getLastError());
        }
        final int error;
        try
        {
            error = LibC.INSTANCE.posix_fallocate(fd, 0, length);
        }
        finally
        {
            LibC.INSTANCE.close(fd);
        }
        if (error == ENOSPC)
        {
            throw new InsufficientSpaceException(file + ": needs " + length + " bytes but the filesystem has only " +
                Files.getFileStore(file).getUsableSpace() + " bytes free");
        }
        if (error != 0)
        {
            throw new IOException(file + ": posix_fallocate of " + length + " bytes failed with error " + error);
        }
        if (channel.size() != length)
        {
            throw new IOException(file + ": allocated " + channel.size() + " bytes instead of " + length);
        }
    }
}
