package io.mmq.examples.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the micro-benchmarks put their files: {@code /dev/shm} when there is one (pure memory, like a
 * real deployment), the temporary directory otherwise; one name per process and purpose.
 */
final class QueueFiles
{
    private QueueFiles()
    {
    }

    static Path fresh(final String purpose) throws java.io.IOException
    {
        final Path shm = Path.of("/dev/shm");
        final Path directory = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        final Path file = directory.resolve("mmq-jmh-" + purpose + "-" + ProcessHandle.current().pid());
        Files.deleteIfExists(file);
        return file;
    }
}
