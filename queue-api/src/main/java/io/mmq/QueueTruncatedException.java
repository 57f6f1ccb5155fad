package io.mmq;

import java.nio.file.Path;

/**
 * The queue file was truncated or shrunk by someone else while this process had it mapped. The pages
 * past the new end are gone, so the operation that ran into them failed; nothing that was delivered
 * before it is affected. The queue cannot be used any more in this process: close it.
 *
 * <p>The fault is raised by the JVM at the first access after the cut, so it may surface in the
 * operation that follows the access, or in a {@link MessageHandler} reading a message view.
 */
public class QueueTruncatedException extends MmqException
{
    private final long size;

    public QueueTruncatedException(final Path file, final long size, final long expectedSize, final Throwable fault)
    {
        super(file + ": the queue file was cut to " + size + " bytes" +
            " by another process while mapped; a queue file of this geometry is " + expectedSize +
            " bytes, so this queue cannot be used any more", fault);
        this.size = size;
    }

    /**
     * @return the size the file was found cut to, in bytes.
     */
    public long size()
    {
        return size;
    }
}
