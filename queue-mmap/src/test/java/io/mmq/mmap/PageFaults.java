package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Minor page faults taken by the calling thread so far, from Linux's {@code /proc/thread-self/stat}.
 */
public final class PageFaults
{
    private static final Path STAT = Path.of("/proc/thread-self/stat");

    private PageFaults()
    {
    }

    public static boolean available()
    {
        return Files.isReadable(STAT);
    }

    public static long minorFaults() throws IOException
    {
        final String stat = Files.readString(STAT);
        // Fields after the command name, which is in parentheses and may contain spaces.
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]); // field 10, minflt, counted from field 3 (state)
    }
}
