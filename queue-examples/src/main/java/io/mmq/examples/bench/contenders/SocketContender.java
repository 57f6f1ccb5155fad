package io.mmq.examples.bench.contenders;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import io.mmq.examples.bench.harness.Channel;
import io.mmq.examples.bench.harness.Contender;
import io.mmq.examples.bench.harness.Endpoint;
import io.mmq.examples.bench.harness.IdleMode;
import io.mmq.examples.bench.harness.Role;

/**
 * A stream socket between two processes, one connection used both ways: the passive role listens, the
 * active one connects. Messages are length-prefixed; see {@link StreamEndpoint}. Point-to-point, so
 * one consumer only. The subclasses say which socket.
 */
abstract class SocketContender implements Contender
{
    @Override
    public final int maxConsumers()
    {
        return 1;
    }

    @Override
    public final boolean supports(final IdleMode idle)
    {
        return true;
    }

    @Override
    public final Endpoint open(
        final Channel channel, final Role role, final int index, final IdleMode idle, final Runnable ready)
        throws IOException
    {
        final SocketChannel socket;
        if (role.passive())
        {
            try (ServerSocketChannel server = listen(channel))
            {
                ready.run();
                socket = server.accept();
            }
        }
        else
        {
            socket = connect(channel);
            ready.run();
        }
        configure(socket);
        socket.configureBlocking(idle == IdleMode.BLOCKING);
        return new StreamEndpoint(socket, channel.messageLength());
    }

    /**
     * @return a server channel bound where {@link #connect} will find it.
     */
    abstract ServerSocketChannel listen(Channel channel) throws IOException;

    abstract SocketChannel connect(Channel channel) throws IOException;

    /**
     * Sets socket options on either end; none by default.
     */
    void configure(final SocketChannel socket) throws IOException
    {
    }

    static SocketChannel connected(final ProtocolFamily family, final SocketAddress address)
        throws IOException
    {
        final SocketChannel socket = SocketChannel.open(family);
        socket.connect(address);
        return socket;
    }
}
