package io.mmq.examples.bench.contenders;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import io.mmq.MessageHandler;
import io.mmq.examples.bench.harness.Endpoint;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Messages over a stream socket, each a 4-byte length then its bytes: one {@code write} per message, so
 * every message is in the kernel (visible to the reader) when {@link #offer} returns, as with a queue.
 * The reader reads whatever has arrived into one buffer and hands out whole messages as views of it.
 */
final class StreamEndpoint implements Endpoint
{
    private static final int LENGTH_PREFIX = 4;

    private final SocketChannel socket;
    private final ByteBuffer sendBuffer;
    private final UnsafeBuffer sendView;
    private final ByteBuffer receiveBuffer;
    private final UnsafeBuffer receiveView;
    private int readIndex;

    StreamEndpoint(final SocketChannel socket, final int messageLength)
    {
        this.socket = socket;
        this.sendBuffer = ByteBuffer.allocateDirect(LENGTH_PREFIX + messageLength);
        this.sendView = new UnsafeBuffer(sendBuffer);
        this.receiveBuffer = ByteBuffer.allocateDirect(Math.max(256 * 1024, 4 * (LENGTH_PREFIX + messageLength)));
        this.receiveView = new UnsafeBuffer(receiveBuffer);
    }

    @Override
    public boolean offer(final DirectBuffer buffer, final int offset, final int length)
    {
        sendView.putInt(0, length);
        sendView.putBytes(LENGTH_PREFIX, buffer, offset, length);
        sendBuffer.limit(LENGTH_PREFIX + length).position(0);
        try
        {
            if (socket.write(sendBuffer) == 0)
            {
                return false; // nothing sent: the socket buffer is full (non-blocking mode)
            }
            while (sendBuffer.hasRemaining())
            {
                // A message once begun is finished, or the stream would be torn.
                if (socket.write(sendBuffer) == 0)
                {
                    Thread.onSpinWait();
                }
            }
            return true;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public int poll(final MessageHandler handler, final int limit)
    {
        int delivered = deliver(handler, limit);
        if (delivered > 0)
        {
            return delivered;
        }
        try
        {
            if (receiveBuffer.remaining() < receiveBuffer.capacity() / 2)
            {
                receiveBuffer.limit(receiveBuffer.position()).position(readIndex);
                receiveBuffer.compact();
                readIndex = 0;
            }
            if (socket.read(receiveBuffer) < 0)
            {
                throw new EOFException("the other process closed the socket");
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return deliver(handler, limit);
    }

    /**
     * Hands out the whole messages between {@link #readIndex} and what has been read so far.
     */
    private int deliver(final MessageHandler handler, final int limit)
    {
        final int end = receiveBuffer.position();
        int delivered = 0;
        while (delivered < limit && end - readIndex >= LENGTH_PREFIX)
        {
            final int length = receiveView.getInt(readIndex);
            if (end - readIndex - LENGTH_PREFIX < length)
            {
                break;
            }
            final int at = readIndex + LENGTH_PREFIX;
            readIndex = at + length;
            delivered++;
            handler.onMessage(receiveView, at, length);
        }
        return delivered;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
