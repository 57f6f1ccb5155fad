package io.mmq.bridge.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.DirectBuffer;

/**
 * The sending end of a link: an exclusive Aeron publication on one channel and stream, offered to by one
 * thread. {@link #offer} never waits: it returns the new stream position, or one of the negative statuses
 * below, and the caller chooses how to wait (an Agrona idle strategy) before offering again.
 *
 * <p>Across processes: the bytes of a message whose offer returned a position are visible to every
 * subscriber that then delivers it. The payload is written first and the frame's length last, with a
 * release store that the subscriber's acquire load of that length pairs with.
 */
public final class OutboundLink implements AutoCloseable
{
    /** No subscriber is connected: nothing was sent; on {@code aeron:ipc} there is no one to send to. */
    public static final long NOT_CONNECTED = Publication.NOT_CONNECTED;

    /** The slowest subscriber is a window behind: nothing was sent; offer again once it has read. */
    public static final long BACK_PRESSURED = Publication.BACK_PRESSURED;

    /** The log was rotated to its next term during the offer: nothing was sent; offer again at once. */
    public static final long ADMIN_ACTION = Publication.ADMIN_ACTION;

    /** The link, its client or its driver was closed: nothing can be sent. */
    public static final long CLOSED = Publication.CLOSED;

    /** The stream reached the largest position its term length allows: nothing more can be sent. */
    public static final long MAX_POSITION_EXCEEDED = Publication.MAX_POSITION_EXCEEDED;

    private final ExclusivePublication publication;

    OutboundLink(final ExclusivePublication publication)
    {
        this.publication = publication;
    }

    /**
     * Sends {@code buffer[offset, offset + length)} as one message, in fragments of at most the channel's
     * MTU if it is longer (an {@link InboundLink} hands it over whole).
     *
     * @return the stream position after the message, {@code > 0}; or {@link #NOT_CONNECTED},
     *         {@link #BACK_PRESSURED}, {@link #ADMIN_ACTION}, {@link #CLOSED} or
     *         {@link #MAX_POSITION_EXCEEDED}, and nothing was sent.
     * @throws IllegalArgumentException if {@code length} exceeds {@link #maxMessageLength()}.
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        return publication.offer(buffer, offset, length);
    }

    /**
     * @return whether a subscriber is connected, so that an offer can succeed.
     */
    public boolean isConnected()
    {
        return publication.isConnected();
    }

    /**
     * @return the longest message {@link #offer} takes: an eighth of the term length, at most 16 MiB.
     */
    public int maxMessageLength()
    {
        return publication.maxMessageLength();
    }

    /**
     * @return the channel URI this link publishes on.
     */
    public String channel()
    {
        return publication.channel();
    }

    /**
     * @return the stream id this link publishes on.
     */
    public int streamId()
    {
        return publication.streamId();
    }

    /**
     * @return the name of an {@link #offer} result: {@code NOT_CONNECTED} and so on, or {@code position N}.
     */
    public static String statusName(final long result)
    {
        if (result == NOT_CONNECTED)
        {
            return "NOT_CONNECTED";
        }
        if (result == BACK_PRESSURED)
        {
            return "BACK_PRESSURED";
        }
        if (result == ADMIN_ACTION)
        {
            return "ADMIN_ACTION";
        }
        if (result == CLOSED)
        {
            return "CLOSED";
        }
        if (result == MAX_POSITION_EXCEEDED)
        {
            return "MAX_POSITION_EXCEEDED";
        }
        return result > 0 ? "position " + result : "unknown status " + result;
    }

    /**
     * Closes the publication. On {@code aeron:ipc} what was offered stays readable to the subscribers
     * until they have read it. Safe to call twice.
     */
    @Override
    public void close()
    {
        publication.close();
    }

    @Override
    public String toString()
    {
        return "OutboundLink{" + channel() + " stream " + streamId() + "}";
    }
}
