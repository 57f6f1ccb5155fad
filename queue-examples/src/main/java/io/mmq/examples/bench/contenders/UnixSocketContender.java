package io.mmq.examples.bench.contenders;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import io.mmq.examples.bench.harness.Channel;

/**
 * A Unix-domain stream socket ({@code java.nio} with {@link UnixDomainSocketAddress}), bound in the run's
 * directory: the kernel's way to move bytes between two local processes.
 */
public final class UnixSocketContender extends SocketContender
{
    @Override
    public String name()
    {
        return "uds";
    }

    private static UnixDomainSocketAddress address(final Channel channel)
    {
        return UnixDomainSocketAddress.of(channel.directory().resolve("socket"));
    }

    @Override
    ServerSocketChannel listen(final Channel channel) throws IOException
    {
        return ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address(channel));
    }

    @Override
    SocketChannel connect(final Channel channel) throws IOException
    {
        return connected(StandardProtocolFamily.UNIX, address(channel));
    }
}
