package io.mmq.mmap.process;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds one byte-range lock of a queue file, as a process stuck in the middle of a protocol step would.
 * Arguments: file offset. Prints {@code LOCKED}, then holds the lock until a line arrives on stdin.
 */
public final class HoldLockProcess
{
    public static void main(final String[] args) throws Exception
    {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            channel.lock(Long.parseLong(args[1]), 1, false);
            System.out.println("LOCKED");
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
    }
}
