package io.mmq.bridge.aeron;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

import io.mmq.MessageQueue;
import io.mmq.bridge.BridgeRunner;
import io.mmq.bridge.BridgeStatus;

/**
 * Runs an Aeron UDP bridge the way {@code mmq bridge} does, through {@link BridgeRunner}: prepare it (the
 * driver, the far side at start), then a {@code started} line, progress lines, its events, and a
 * {@code stopped} line; SIGTERM or Ctrl-C stops it cleanly (outbound: after the far side has consumed what
 * was offered, or the timeout). Each bridge keeps a status file beside its queue ({@link BridgeStatus}), which
 * {@code mmq stat} shows: the outbound one under its consumer name, the inbound one as
 * {@code aeron-in:HOST:PORT}. The caller opens the queue and closes it afterwards.
 *
 * <pre>
 * started queue=/dev/shm/a.mmq name=bridge:aeron:10.0.0.2:40123 target=aeron:udp?endpoint=10.0.0.2:40123 aeron-dir=...
 * session consumer-position=0 producer-position=8192 aeron-session=-1289 channel=aeron:udp?endpoint=...
 * progress forwarded=1200 unsent=4096 lag=0 backpressured=0 notconnected=0 connected=true position=81920
 *
 * started queue=/dev/shm/b.mmq source=aeron:udp?endpoint=10.0.0.2:40123 aeron-dir=...
 * session listen=10.0.0.2:40123 source-position=-1 queue-position=0
 * progress applied=1200 duplicates=0 gaps=0 missing=0 backpressured=0 images=1 source-position=81920
 * gap from=81920 to=90112 bytes=8192 aeron-session=-1288
 * </pre>
 */
public final class UdpRunner
{
    private UdpRunner()
    {
    }

    /**
     * Forwards {@code queue} to the inbound bridge at {@code target}.
     *
     * @param source how to name the queue in the first line.
     * @throws io.mmq.MmqException (one line) if the bridge cannot start or cannot go on.
     */
    public static void runOutbound(final MessageQueue queue, final String source, final UdpUri target, final UdpOptions options,
        final PrintWriter out, final Duration progress)
    {
        final UdpOutbound bridge = UdpOutbound.prepare(queue, target, options);
        final BridgeStatus status;
        try
        {
            status = BridgeStatus.start(Path.of(source), bridge.consumerName(), "out", source, target.toString());
        }
        catch (final RuntimeException ex)
        {
            bridge.discard();
            throw ex;
        }
        BridgeRunner.run(bridge, "started queue=" + source + " name=" + bridge.consumerName() + " target=" + target +
            " aeron-dir=" + options.aeronDirectory(), out, progress, grace(options), status);
    }

    /**
     * Publishes into {@code queue} what arrives at {@code listen}.
     *
     * @param source how to name the queue in the first line.
     * @throws io.mmq.MmqException (one line) if the bridge cannot start or cannot go on.
     */
    public static void runInbound(final MessageQueue queue, final String source, final UdpUri listen, final UdpOptions options,
        final PrintWriter out, final Duration progress)
    {
        final UdpInbound bridge = UdpInbound.prepare(queue, listen, options);
        final BridgeStatus status;
        try
        {
            status = BridgeStatus.start(Path.of(source), statusName(listen), "in", listen.toString(), source);
        }
        catch (final RuntimeException ex)
        {
            bridge.discard();
            throw ex;
        }
        BridgeRunner.run(bridge, "started queue=" + source + " source=" + listen + " aeron-dir=" + options.aeronDirectory(),
            out, progress, grace(options), status);
    }

    /** @return the inbound bridge's name in its status file: it reads no consumer, so it has no consumer name. */
    public static String statusName(final UdpUri listen)
    {
        return "aeron-in:" + listen.endpoint();
    }

    private static Duration grace(final UdpOptions options)
    {
        // The outbound's drain is bounded by the timeout; closing the driver takes a moment more.
        return options.timeout().plusSeconds(5);
    }
}
