package io.mmq.bridge.aeron;

import io.aeron.ControlledFragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.mmq.MessageHandler;
import org.agrona.DirectBuffer;

/**
 * The receiving end of a link: an Aeron subscription on one channel and stream, polled by one thread.
 * {@link #poll} never waits: it reads what is there and says how much, and the caller chooses how to
 * wait (an Agrona idle strategy) before polling again.
 *
 * <p>Messages arrive whole, in the order each publication offered them. A message that fit in one
 * fragment is handed over where it lies in the log buffer, no copy; a longer one, which its publication
 * sent as several fragments, is first put together in a buffer of this link's (one per publication),
 * as Aeron's {@link io.aeron.FragmentAssembler} does. Either way the view is valid only until the handler
 * returns.
 */
public final class InboundLink implements AutoCloseable
{
    private final Subscription subscription;
    private final AbortOnFailure guard = new AbortOnFailure(this::onFragment);
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(guard);
    private MessageHandler handler;

    InboundLink(final Subscription subscription)
    {
        this.subscription = subscription;
    }

    /**
     * Reads up to {@code fragmentLimit} fragments and hands each whole message among them to
     * {@code handler}, which may offer on another link (an echo from inside the handler).
     *
     * @return how many fragments were read, 0 if none was there; as many as messages were handed over
     *         when every message fits in one fragment, more when some did not, and a message whose last
     *         fragments are not there yet is handed over by a later poll.
     * @throws RuntimeException what the handler threw: the poll stops at that message, which stays unread
     *         (the next poll hands it over again), and hands over nothing more. Aeron itself would hand the
     *         exception to its error handler and move past the message, as if it had been read. (An
     *         {@code Error} is not caught: it goes through Aeron's poll, which moves past the message first.)
     */
    public int poll(final MessageHandler handler, final int fragmentLimit)
    {
        this.handler = handler;
        final int fragments = subscription.controlledPoll(assembler, fragmentLimit);
        guard.rethrow();
        return fragments;
    }

    private Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        handler.onMessage(buffer, offset, length);
        return Action.CONTINUE;
    }

    /**
     * @return whether a publication is connected to this link (has an image in it).
     */
    public boolean isConnected()
    {
        return subscription.isConnected();
    }

    /**
     * @return how many publications are connected to this link.
     */
    public int publicationCount()
    {
        return subscription.imageCount();
    }

    /**
     * @return the channel URI this link subscribes to.
     */
    public String channel()
    {
        return subscription.channel();
    }

    /**
     * @return the stream id this link subscribes to.
     */
    public int streamId()
    {
        return subscription.streamId();
    }

    /**
     * Closes the subscription. Safe to call twice.
     */
    @Override
    public void close()
    {
        subscription.close();
    }

    @Override
    public String toString()
    {
        return "InboundLink{" + channel() + " stream " + streamId() + "}";
    }
}
