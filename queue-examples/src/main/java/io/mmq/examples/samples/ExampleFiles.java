package io.mmq.examples.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the examples keep their queue files and find their Python scripts.
 */
public final class ExampleFiles
{
    private ExampleFiles()
    {
    }

    /**
     * @return {@code /dev/shm/mmq-examples} (shared memory) where there is a /dev/shm, else the same
     *         name in the temporary directory, created if need be: the directory both sides use when run
     *         in two terminals.
     */
    public static Path sharedDirectory() throws IOException
    {
        return Files.createDirectories(base().resolve("mmq-examples"));
    }

    /**
     * @return a new, empty directory for one run that starts every process itself.
     */
    public static Path newDirectory() throws IOException
    {
        return Files.createTempDirectory(base(), "mmq-example-");
    }

    /**
     * Deletes a directory made by {@link #newDirectory()} and the queue files in it.
     */
    public static void delete(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    /**
     * @return a script of {@code queue-examples/python/examples}, found beside the running jar (or
     *         classes) of a checkout.
     */
    public static Path pythonScript(final String name)
    {
        try
        {
            final Path jarOrClasses =
                Path.of(ExampleFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jarOrClasses.getParent().getParent().resolve("python").resolve("examples").resolve(name);
        }
        catch (final java.net.URISyntaxException ex)
        {
            throw new IllegalStateException("cannot tell where mmq.jar is: " + ex.getMessage(), ex);
        }
    }

    private static Path base()
    {
        final Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
