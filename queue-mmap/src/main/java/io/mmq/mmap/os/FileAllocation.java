package io.mmq.mmap.os;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reserves the blocks of a new queue file before anything is mapped. A sparse file on a filesystem that
 * later runs out of room kills the process with SIGBUS on the first write to an unbacked page; with the
 * blocks reserved up front, a full filesystem is an error at creation time instead.
 */
public interface FileAllocation
{
    /**
     * Makes {@code file} exactly {@code length} bytes of zeros, every block of it allocated.
     *
     * @throws InsufficientSpaceException if the filesystem has no room for it.
     */
    void allocate(Path file, FileChannel channel, long length) throws IOException;

    /**
     * @return the implementation for this operating system.
     */
    static FileAllocation forThisPlatform()
    {
        final String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
        if (os.contains("linux"))
        {
            try
            {
                return new LinuxFileAllocation();
            }
            catch (final LinkageError ex)
            {
                // JNA's native stub could not load (a noexec temp directory, say): allocate by writing.
                return new ZeroFillingFileAllocation();
            }
        }
        if (os.contains("windows"))
        {
            return new ExtendingFileAllocation();
        }
        return new ZeroFillingFileAllocation();
    }
}
