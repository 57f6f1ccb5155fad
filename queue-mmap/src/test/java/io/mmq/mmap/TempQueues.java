package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests put queue files: /dev/shm when it exists (as users would), else the temp directory.
 */
public final class TempQueues
{
    private TempQueues()
    {
    }

    public static Path directory() throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        final Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(parent, "mmq-test-");
    }

    /**
     * Deletes a directory made by {@link #directory()} and everything in it (queue files, and the status
     * directories bridges keep beside their queues).
     */
    public static void delete(final Path directory) throws IOException
    {
        try (java.util.stream.Stream<Path> paths = Files.walk(directory))
        {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }
}
