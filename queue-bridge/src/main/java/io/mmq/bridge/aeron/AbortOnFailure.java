package io.mmq.bridge.aeron;

import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;

/**
 * A fragment handler that stops a poll at the message its delegate throws on, leaving that message unread,
 * and throws the exception once the poll has returned ({@link #rethrow()}).
 *
 * <p>Why: Aeron's poll catches what a handler throws, hands it to the client's error handler and moves past
 * the fragment, as if it had been read; the poll's caller never hears of it. Here the delegate's exception
 * is kept and the fragment answered with {@code ABORT}, so its position stays where it was; every later
 * fragment of the poll, which goes on to the subscription's other images, is aborted too. An {@code Error}
 * is not caught (Aeron's poll lets it through, after moving past the fragment).
 */
final class AbortOnFailure implements ControlledFragmentHandler
{
    private final ControlledFragmentHandler delegate;
    private RuntimeException failure;

    AbortOnFailure(final ControlledFragmentHandler delegate)
    {
        this.delegate = delegate;
    }

    @Override
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (null != failure)
        {
            return Action.ABORT;
        }
        try
        {
            return delegate.onFragment(buffer, offset, length, header);
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
            return Action.ABORT;
        }
    }

    /** Throws what the delegate threw since the last call, if anything, and forgets it. */
    void rethrow()
    {
        final RuntimeException thrown = failure;
        if (null != thrown)
        {
            failure = null;
            throw thrown;
        }
    }
}
