package io.mmq.examples.samples;

import java.io.IOException;
import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * The {@code --dir} option of an example that runs either every process itself or one side per terminal.
 */
public final class DirectoryOption
{
    @Option(names = "--dir", description = "Where the queues are; default: a new directory when the example " +
        "runs every process itself, deleted at the end; /dev/shm/mmq-examples for one side per terminal.")
    Path directory;

    /**
     * @return the directory for one side of an example run in two terminals.
     */
    public Path forOneSide() throws IOException
    {
        return null == directory ? ExampleFiles.sharedDirectory() : directory;
    }

    /**
     * @return the directory for a run that starts every process itself: {@link #deleteAfterRun} it.
     */
    public Path forWholeRun() throws IOException
    {
        return null == directory ? ExampleFiles.newDirectory() : directory;
    }

    /**
     * Deletes what {@link #forWholeRun()} made; a directory given with {@code --dir} is left alone.
     */
    public void deleteAfterRun(final Path dir) throws IOException
    {
        if (null == directory)
        {
            ExampleFiles.delete(dir);
        }
    }
}
