package io.mmq;

import org.agrona.DirectBuffer;

/**
 * Receives messages from {@link Consumer#poll(MessageHandler, int)}.
 *
 * <p>The buffer is a view of the message where it lies in the shared ring: no copy was made. The view
 * is valid only until {@code onMessage} returns; after that the producer may reuse those bytes. Copy
 * what must outlive the call.
 */
@FunctionalInterface
public interface MessageHandler
{
    /**
     * @param buffer the ring, read-only by contract.
     * @param offset where the message starts in {@code buffer}.
     * @param length the message length in bytes, {@code 0} or more.
     */
    void onMessage(DirectBuffer buffer, int offset, int length);
}
