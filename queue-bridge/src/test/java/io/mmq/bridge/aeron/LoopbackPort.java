package io.mmq.bridge.aeron;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;

/** A UDP port of the loopback address for a test's link. */
public final class LoopbackPort
{
    private LoopbackPort()
    {
    }

    /**
     * @return a UDP port that was free a moment ago: the system picks it for a socket that is closed at once,
     *         so another process could take it meanwhile (unlikely, and the test then fails to bind, saying so).
     */
    public static int freeUdp()
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
