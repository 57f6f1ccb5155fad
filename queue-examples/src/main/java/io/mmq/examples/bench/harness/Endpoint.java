package io.mmq.examples.bench.harness;

import io.mmq.MessageHandler;
import org.agrona.DirectBuffer;

/**
 * One process's end of a contender's transport, as a benchmark role uses it. Opened in
 * {@link IdleMode#BLOCKING} mode, both calls may wait (in the kernel) instead of returning empty-handed;
 * otherwise neither waits and the role drives its idle strategy.
 *
 * <p>Neither call may allocate: the roles measure them in their hot loops.
 */
public interface Endpoint extends AutoCloseable
{
    /**
     * Sends {@code buffer[offset, offset + length)} whole, or nothing.
     *
     * @return false if the transport had no room (nothing was sent); try again.
     */
    boolean offer(DirectBuffer buffer, int offset, int length);

    /**
     * Delivers up to {@code limit} whole messages to {@code handler}, in order. The handler may call
     * {@link #offer} (a pong echoes from inside it).
     *
     * @return how many were delivered; 0 if none was there (or, blocking, none came for a while).
     */
    int poll(MessageHandler handler, int limit);

    @Override
    void close() throws Exception;
}
