package io.mmq;

import java.nio.file.Path;

/**
 * A named consumer came back after the producer had reused bytes it had not read: the messages from
 * {@link #missedFrom()} up to {@link #resumesAt()} are lost to it. Thrown once, by the first poll after
 * it returned; the consumer stays open and the next poll delivers from {@link #resumesAt()}.
 */
public class ConsumerLappedException extends MmqException
{
    private final long missedFrom;
    private final long resumesAt;

    public ConsumerLappedException(final Path file, final String name, final long missedFrom, final long resumesAt)
    {
        super(file + ": the consumer named '" + name + "' was lapped while away: it missed the messages from position " +
            missedFrom + " to " + resumesAt + " (" + (resumesAt - missedFrom) + " bytes) and goes on from " + resumesAt);
        this.missedFrom = missedFrom;
        this.resumesAt = resumesAt;
    }

    /** @return the position of the first message this consumer missed. */
    public long missedFrom()
    {
        return missedFrom;
    }

    /** @return the position it goes on from: everything from here on is delivered. */
    public long resumesAt()
    {
        return resumesAt;
    }
}
