package io.mmq.bridge.aeron;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What {@code mmq bridge} takes as an Aeron end, and the one line it says about what it does not take.
 */
class UdpUriTest
{
    @Test
    void anEndpointIsAHostAndAPort()
    {
        final UdpUri uri = UdpUri.parse("aeron:udp?endpoint=10.0.0.2:40123");
        assertEquals("10.0.0.2", uri.host());
        assertEquals(40123, uri.port());
        assertEquals("10.0.0.2:40123", uri.endpoint());
        assertEquals("aeron:udp?endpoint=10.0.0.2:40123", uri.toString());
        assertEquals("aeron:udp?endpoint=10.0.0.2:40123|mtu=1408", uri.channel("mtu=1408"));
        assertEquals("[::1]", UdpUri.parse("aeron:udp?endpoint=[::1]:9").host());
        assertEquals("example.org", UdpUri.parse("aeron:udp?endpoint=example.org:1").host());
    }

    @Test
    void everythingElseIsRefusedSayingWhy()
    {
        assertRefused("aeron:ipc", "aeron:ipc stays on one machine");
        assertRefused("aeron:ipc?term-length=64k", "aeron:ipc stays on one machine");
        assertRefused("aeron:udp", "only the media udp is supported");
        assertRefused("aeron:udp?", "unsupported parameter ''");
        assertRefused("aeron:udp?endpoint=", "no endpoint");
        assertRefused("aeron:udp?endpoint=10.0.0.2", "the endpoint is HOST:PORT");
        assertRefused("aeron:udp?endpoint=10.0.0.2:", "the endpoint is HOST:PORT");
        assertRefused("aeron:udp?endpoint=:40123", "the endpoint is HOST:PORT");
        assertRefused("aeron:udp?endpoint=10.0.0.2:port", "not a port: 'port'");
        assertRefused("aeron:udp?endpoint=10.0.0.2:0", "a port is from 1 to 65535: 0");
        assertRefused("aeron:udp?endpoint=10.0.0.2:65536", "a port is from 1 to 65535: 65536");
        assertRefused("aeron:udp?endpoint=::1:9", "an IPv6 address goes in brackets");
        assertRefused("aeron:udp?endpoint=a:1|endpoint=b:2", "endpoint is given twice");
        assertRefused("aeron:udp?endpoint=a:1|mtu=8k", "unsupported parameter 'mtu'");
        assertRefused("aeron:udp?control=a:1", "unsupported parameter 'control'");
        assertRefused("udp://10.0.0.2:1", "it does not start with aeron:");
    }

    private static void assertRefused(final String uri, final String why)
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> UdpUri.parse(uri), uri);
        assertTrue(refused.getMessage().startsWith("not an Aeron UDP URI (aeron:udp?endpoint=HOST:PORT): " + uri + ": "),
            refused.getMessage());
        assertTrue(refused.getMessage().contains(why), refused.getMessage());
        assertEquals(1, refused.getMessage().lines().count());
    }
}
