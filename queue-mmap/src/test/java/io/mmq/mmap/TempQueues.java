package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests put queue files: /dev/shm when it exists (as users would), else the temp directory.
 */
final class TempQueues
{
    private TempQueues()
    {
    }

    static Path directory() throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        final Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(parent, "mmq-test-");
    }
}
