package io.mmq.examples.container;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Test directories in {@code /dev/shm}, the usual home of a queue shared with containers (pure memory),
 * or in the default temporary directory where there is no {@code /dev/shm}. JUnit deletes them.
 */
public final class SharedMemoryDirectory implements TempDirFactory
{
    @Override
    public Path createTempDirectory(final AnnotatedElementContext element, final ExtensionContext extension)
        throws Exception
    {
        final Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? Files.createTempDirectory(shm, "mmq-container-") : Files.createTempDirectory("mmq-container-");
    }
}
