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
     * Deletes a directory made by {@link #directory()} and the files in it.
     */
    public static void delete(final Path directory) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            for (final Path path : files.toList())
            {
                Files.delete(path);
            }
        }
        Files.delete(directory);
    }
}
