package io.mmq.examples.bench.contenders;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.mmq.MessageHandler;
import io.mmq.bridge.aeron.AeronClient;
import io.mmq.bridge.aeron.EmbeddedMediaDriver;
import io.mmq.bridge.aeron.InboundLink;
import io.mmq.bridge.aeron.OutboundLink;
import io.mmq.examples.bench.harness.Channel;
import io.mmq.examples.bench.harness.Contender;
import io.mmq.examples.bench.harness.Endpoint;
import io.mmq.examples.bench.harness.IdleMode;
import io.mmq.examples.bench.harness.Role;
import org.agrona.DirectBuffer;

/**
 * Aeron IPC, the reference for shared-memory messaging on the JVM: {@code aeron:ipc} between the role
 * JVMs through one media driver, with the links of {@code queue-bridge}. Stream 1 carries pings and
 * one-way messages, stream 2 the echoes. Every consumer subscribes to stream 1 and reads every message,
 * so one-way runs go to 1 to N consumers as mmq's do, the publisher held back by its slowest subscriber
 * as mmq's producer is by its slowest consumer.
 *
 * <p><b>Where the driver runs.</b> In the harness's JVM: {@link #prepare} launches it in the run's
 * directory and {@link #finish} closes it, which deletes its directory. Every role is then a client
 * alike, as applications are of a standalone driver; the driver outlives every role, so a consumer still
 * reading what an ended producer left in the log is never cut off; and the harness, which ends every
 * run, always stops it. Embedded in a passive role instead, the driver's life would hang on one consumer
 * among several. The driver runs {@code SHARED}, one thread that backs off when idle (why:
 * {@link EmbeddedMediaDriver}; in short, on two cores a spinning driver thread would take a core from
 * the two spinning roles). Its CPU is not in the ponger's idle CPU column, which counts the polling
 * thread.
 *
 * <p><b>Log buffers.</b> Each publication's term is twice {@link Channel#ringCapacity()} (at least
 * 64 KiB, at most 1 GiB, Aeron's bounds): Aeron lets a publisher run half a term ahead of its slowest
 * subscriber, so it may run a ring ahead, as mmq's producer may. The 8 KiB IPC MTU is the driver's: a
 * message of up to 8,160 bytes is one fragment, read in place; a 64 KiB message travels as 9 fragments
 * and is put back together on the receiving side, a copy that the ring contenders do not make.
 *
 * <p><b>Idle modes.</b> Busy-spin, yield and backoff. Not {@link IdleMode#BLOCKING}: Aeron's offer and
 * poll never wait, waiting is always the caller's idle strategy, so there is no call to block in.
 */
public final class AeronIpcContender implements Contender
{
    private static final int FORWARD_STREAM = 1;
    private static final int ECHO_STREAM = 2;
    private static final int MIN_TERM_LENGTH = 64 * 1024;
    private static final int MAX_TERM_LENGTH = 1024 * 1024 * 1024;

    /** The drivers this JVM launched, by run directory: only the harness's JVM has any. */
    private final Map<Path, EmbeddedMediaDriver> drivers = new HashMap<>();

    @Override
    public String name()
    {
        return "aeron";
    }

    @Override
    public int maxConsumers()
    {
        // aeron:ipc has no limit of its own on subscribers to one publication.
        return Integer.MAX_VALUE;
    }

    @Override
    public boolean supports(final IdleMode idle)
    {
        return idle != IdleMode.BLOCKING;
    }

    @Override
    public void prepare(final Channel channel)
    {
        drivers.put(channel.directory(), EmbeddedMediaDriver.launch(driverDirectory(channel)));
    }

    @Override
    public void finish(final Channel channel)
    {
        final EmbeddedMediaDriver driver = drivers.remove(channel.directory());
        if (null != driver)
        {
            driver.close();
        }
    }

    private static Path driverDirectory(final Channel channel)
    {
        return channel.directory().resolve("aeron");
    }

    /**
     * @return the IPC channel URI of a run: its term length, twice the ring within Aeron's bounds.
     */
    static String channelUri(final Channel channel)
    {
        final long termLength = Math.min(MAX_TERM_LENGTH, Math.max(MIN_TERM_LENGTH, 2L * channel.ringCapacity()));
        return "aeron:ipc?term-length=" + termLength;
    }

    @Override
    public Endpoint open(
        final Channel channel, final Role role, final int index, final IdleMode idle, final Runnable ready)
    {
        final String uri = channelUri(channel);
        final AeronClient client = AeronClient.connect(driverDirectory(channel));
        // Each side subscribes to what it reads before it publishes what the other side answers.
        final InboundLink in;
        final OutboundLink out;
        try
        {
            switch (role)
            {
                case PING:
                    in = client.subscribe(uri, ECHO_STREAM);
                    out = client.publish(uri, FORWARD_STREAM);
                    break;
                case PONG:
                    in = client.subscribe(uri, FORWARD_STREAM);
                    out = client.publish(uri, ECHO_STREAM);
                    break;
                case PRODUCER:
                    in = null;
                    out = client.publish(uri, FORWARD_STREAM);
                    break;
                default:
                    in = client.subscribe(uri, FORWARD_STREAM);
                    out = null;
            }
        }
        catch (final RuntimeException ex)
        {
            client.close();
            throw ex;
        }
        ready.run();
        return new AeronEndpoint(client, out, in);
    }

    private static final class AeronEndpoint implements Endpoint, MessageHandler
    {
        private final AeronClient client;
        private final OutboundLink out;
        private final InboundLink in;
        private MessageHandler handler;
        private int delivered;

        AeronEndpoint(final AeronClient client, final OutboundLink out, final InboundLink in)
        {
            this.client = client;
            this.out = out;
            this.in = in;
        }

        @Override
        public boolean offer(final DirectBuffer buffer, final int offset, final int length)
        {
            final long result = out.offer(buffer, offset, length);
            if (result > 0)
            {
                return true;
            }
            if (result == OutboundLink.CLOSED || result == OutboundLink.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("cannot offer on " + out + ": " + OutboundLink.statusName(result));
            }
            // NOT_CONNECTED (the subscriber is still joining), BACK_PRESSURED, ADMIN_ACTION: offer again.
            return false;
        }

        /**
         * The link counts fragments; the harness counts messages, and a message longer than the MTU is
         * several fragments: poll until {@code limit} messages were whole or nothing more is there.
         */
        @Override
        public int poll(final MessageHandler handler, final int limit)
        {
            this.handler = handler;
            delivered = 0;
            while (delivered < limit && in.poll(this, limit - delivered) > 0)
            {
                // Each message is at least one fragment, so no poll hands over more than limit - delivered.
            }
            return delivered;
        }

        @Override
        public void onMessage(final DirectBuffer buffer, final int offset, final int length)
        {
            delivered++;
            handler.onMessage(buffer, offset, length);
        }

        @Override
        public void close()
        {
            client.close();
        }
    }
}
