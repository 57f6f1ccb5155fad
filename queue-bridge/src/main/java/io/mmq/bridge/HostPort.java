package io.mmq.bridge;

import java.util.function.Function;

/**
 * A {@code HOST:PORT} pair as the bridges' URIs write it (a Kafka server, an Aeron endpoint): split at the
 * last colon, so that a bracketed IPv6 address keeps its own; the port a number from 1 to 65535. What makes
 * a host acceptable is the caller's to check, since the engines differ.
 *
 * @param host the text before the last colon, not empty.
 * @param port from 1 to 65535.
 */
public record HostPort(String host, int port)
{
    /**
     * @param text  the {@code HOST:PORT} text.
     * @param shape how to say what {@code text} should be, for the error: {@code "each server is HOST:PORT"}.
     * @param bad   makes the caller's error from a reason.
     */
    public static HostPort parse(final String text, final String shape, final Function<String, IllegalArgumentException> bad)
    {
        final int colon = text.lastIndexOf(':');
        if (text.isEmpty() || colon <= 0 || colon == text.length() - 1)
        {
            throw bad.apply(shape + ": '" + text + "'");
        }
        final String portText = text.substring(colon + 1);
        final int port;
        try
        {
            port = Integer.parseInt(portText);
        }
        catch (final NumberFormatException ex)
        {
            throw bad.apply("not a port: '" + portText + "'");
        }
        if (port < 1 || port > 65535)
        {
            throw bad.apply("a port is from 1 to 65535: " + port);
        }
        return new HostPort(text.substring(0, colon), port);
    }
}
