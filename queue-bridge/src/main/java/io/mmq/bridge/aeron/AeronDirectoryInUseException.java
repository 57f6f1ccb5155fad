package io.mmq.bridge.aeron;

import java.nio.file.Path;

import io.mmq.MmqException;

/**
 * A media driver was asked to run in an Aeron directory that a live driver already uses: its heartbeat
 * in {@code cnc.dat} is fresh. Two drivers on one directory would each recreate the other's files, so the
 * second is refused; stop the first, or give the second a directory of its own.
 */
public final class AeronDirectoryInUseException extends MmqException
{
    private final Path directory;

    public AeronDirectoryInUseException(final Path directory, final Throwable cause)
    {
        super("the Aeron directory " + directory + " is in use by a live media driver (its cnc.dat heartbeat is " +
            "fresh); stop that driver or choose another directory", cause);
        this.directory = directory;
    }

    /**
     * @return the directory a live driver uses.
     */
    public Path directory()
    {
        return directory;
    }
}
