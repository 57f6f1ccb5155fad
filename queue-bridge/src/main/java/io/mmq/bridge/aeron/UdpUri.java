package io.mmq.bridge.aeron;

import java.util.Objects;

import io.mmq.bridge.HostPort;

/**
 * The far end of an Aeron UDP bridge: {@code aeron:udp?endpoint=HOST:PORT}. For the outbound bridge the
 * endpoint is where the inbound bridge listens; for the inbound bridge it is the local address and port it
 * listens on (a host's own address, or {@code 0.0.0.0}). The bridge sets every other channel parameter
 * itself (MTU, term length), so a URI with any other parameter is refused rather than half obeyed.
 */
public final class UdpUri
{
    private static final String PREFIX = "aeron:udp?";
    private static final String SHAPE = "aeron:udp?endpoint=HOST:PORT";

    private final String host;
    private final int port;

    private UdpUri(final String host, final int port)
    {
        this.host = host;
        this.port = port;
    }

    /**
     * @return whether {@code text} is meant as an Aeron URI (it has the scheme), right or wrong.
     */
    public static boolean isAeron(final String text)
    {
        return text.regionMatches(true, 0, "aeron:", 0, "aeron:".length());
    }

    /**
     * @throws IllegalArgumentException naming what is wrong, with the expected shape.
     */
    public static UdpUri parse(final String text)
    {
        Objects.requireNonNull(text, "uri");
        if (!isAeron(text))
        {
            throw bad(text, "it does not start with aeron:");
        }
        if (text.regionMatches(true, 0, "aeron:ipc", 0, "aeron:ipc".length()))
        {
            throw bad(text, "aeron:ipc stays on one machine; a bridge between hosts needs UDP");
        }
        if (!text.startsWith(PREFIX))
        {
            throw bad(text, "only the media udp is supported");
        }
        String endpoint = null;
        for (final String parameter : text.substring(PREFIX.length()).split("\\|", -1))
        {
            final int equals = parameter.indexOf('=');
            final String key = equals < 0 ? parameter : parameter.substring(0, equals);
            if (!key.equals("endpoint"))
            {
                throw bad(text, "unsupported parameter '" + key + "': the bridge sets the channel's other parameters itself");
            }
            if (null != endpoint)
            {
                throw bad(text, "endpoint is given twice");
            }
            endpoint = parameter.substring(equals + 1);
        }
        if (null == endpoint || endpoint.isEmpty())
        {
            throw bad(text, "no endpoint");
        }
        final HostPort hostPort = HostPort.parse(endpoint, "the endpoint is HOST:PORT", why -> bad(text, why));
        final String host = hostPort.host();
        final int port = hostPort.port();
        if (host.contains("/") || host.contains("?") || host.contains("@") || host.contains("=") ||
            (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))))
        {
            throw bad(text, "not a host: '" + host + "' (an IPv6 address goes in brackets)");
        }
        return new UdpUri(host, port);
    }

    private static IllegalArgumentException bad(final String text, final String why)
    {
        return new IllegalArgumentException("not an Aeron UDP URI (" + SHAPE + "): " + text + ": " + why);
    }

    public String host()
    {
        return host;
    }

    public int port()
    {
        return port;
    }

    /**
     * @return {@code HOST:PORT}.
     */
    public String endpoint()
    {
        return host + ":" + port;
    }

    /**
     * @return the channel with the bridge's parameters added: Aeron channel URI syntax, {@code |}-separated.
     */
    String channel(final String extraParameters)
    {
        return PREFIX + "endpoint=" + endpoint() + (extraParameters.isEmpty() ? "" : "|" + extraParameters);
    }

    @Override
    public String toString()
    {
        return PREFIX + "endpoint=" + endpoint();
    }
}
