package io.mmq.examples.bench.contenders;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import io.mmq.examples.bench.harness.Channel;

/**
 * TCP over the loopback interface with {@code TCP_NODELAY}, so a small message is sent at once. The
 * listener takes any free port and leaves its number in the run's directory for the connecting side.
 */
public final class TcpLoopbackContender extends SocketContender
{
    @Override
    public String name()
    {
        return "tcp";
    }

    private static Path portFile(final Channel channel)
    {
        return channel.directory().resolve("tcp-port");
    }

    @Override
    ServerSocketChannel listen(final Channel channel) throws IOException
    {
        final ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET)
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final int port = ((InetSocketAddress)server.getLocalAddress()).getPort();
        // Written whole under another name, then renamed: the other side never reads half a number.
        final Path partial = channel.directory().resolve("tcp-port.partial");
        Files.writeString(partial, Integer.toString(port), StandardCharsets.US_ASCII);
        Files.move(partial, portFile(channel), StandardCopyOption.ATOMIC_MOVE);
        return server;
    }

    @Override
    SocketChannel connect(final Channel channel) throws IOException
    {
        final int port = Integer.parseInt(Files.readString(portFile(channel), StandardCharsets.US_ASCII).trim());
        return connected(StandardProtocolFamily.INET, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    @Override
    void configure(final SocketChannel socket) throws IOException
    {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }
}
