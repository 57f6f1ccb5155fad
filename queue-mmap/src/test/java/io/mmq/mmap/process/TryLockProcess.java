package io.mmq.mmap.process;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tries one byte-range lock of a queue file once, as another process would. Arguments: file, offset.
 * Prints {@code TAKEN} (after giving it back) or {@code BUSY}.
 */
public final class TryLockProcess
{
    public static void main(final String[] args) throws Exception
    {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final FileLock lock = channel.tryLock(Long.parseLong(args[1]), 1, false);
            if (null != lock)
            {
                lock.release(); // before saying so: the parent may try it again at once
            }
            System.out.println(null == lock ? "BUSY" : "TAKEN");
        }
    }
}
