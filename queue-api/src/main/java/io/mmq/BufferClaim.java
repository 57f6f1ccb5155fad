package io.mmq;

import org.agrona.MutableDirectBuffer;

/**
 * A region of the ring handed out by {@link Producer#tryClaim(int, BufferClaim)} so a message can be
 * written in place, with no copy. Write the message into {@link #buffer()} from {@link #offset()} for
 * {@link #length()} bytes, then {@link #commit()} to publish it or {@link #abort()} to drop it.
 *
 * <p>One instance is meant to be reused for every claim: it holds no state beyond the current claim.
 * A claim that is neither committed nor aborted blocks the producer's next publication.
 */
public final class BufferClaim
{
    /**
     * What an implementation does on {@link #commit()} and {@link #abort()}.
     */
    public interface Completion
    {
        void commit(BufferClaim claim);

        void abort(BufferClaim claim);
    }

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;
    private Completion completion;

    /**
     * Points this claim at a region. Called by producer implementations, not by users.
     */
    public BufferClaim wrap(
        final MutableDirectBuffer buffer, final int offset, final int length, final Completion completion)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.completion = completion;
        return this;
    }

    /**
     * @return the ring; write only within [{@link #offset()}, {@link #offset()} + {@link #length()}).
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    /**
     * Publishes the claimed message: from here on consumers can read it.
     *
     * @throws IllegalStateException if there is no open claim.
     */
    public void commit()
    {
        completion().commit(this);
        completion = null;
    }

    /**
     * Drops the claimed message: consumers never see it and the space is reused by the next claim.
     *
     * @throws IllegalStateException if there is no open claim.
     */
    public void abort()
    {
        completion().abort(this);
        completion = null;
    }

    private Completion completion()
    {
        if (null == completion)
        {
            throw new IllegalStateException("no open claim: commit() or abort() was already called");
        }
        return completion;
    }
}
