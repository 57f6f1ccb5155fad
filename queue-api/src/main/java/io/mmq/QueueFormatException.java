package io.mmq;

import java.nio.file.Path;

/**
 * The bytes of a queue file are not what the format allows: not a queue at all, a version this code
 * does not speak, a geometry other than the one asked for, a truncated file, or a record whose header
 * is corrupt. The message names the file and the field; the file is left exactly as it was found.
 */
public class QueueFormatException extends MmqException
{
    private final transient Path file;

    public QueueFormatException(final Path file, final String problem)
    {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * @return the queue file whose contents were rejected.
     */
    public Path file()
    {
        return file;
    }
}
