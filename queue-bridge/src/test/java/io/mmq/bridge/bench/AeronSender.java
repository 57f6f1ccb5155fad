package io.mmq.bridge.bench;

import java.nio.file.Path;

import io.mmq.bridge.aeron.AeronClient;
import io.mmq.bridge.aeron.EmbeddedMediaDriver;
import io.mmq.bridge.aeron.OutboundLink;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Aeron alone, sending: an exclusive UDP publication through an embedded media driver of its own, with the
 * bridges' UDP driver settings ({@link EmbeddedMediaDriver#launchForUdp}). Arguments: AERON_DIR CHANNEL
 * STREAM count size rate. Prints {@code READY} once a subscriber is connected, waits for {@code GO} on
 * standard input, then prints {@code SENT count=N}.
 */
public final class AeronSender
{
    public static void main(final String[] args) throws Exception
    {
        final long count = Long.parseLong(args[3]);
        final int size = Integer.parseInt(args[4]);
        try (EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(Path.of(args[0]));
             AeronClient client = AeronClient.connect(Path.of(args[0]));
             OutboundLink link = client.publish(args[1], Integer.parseInt(args[2])))
        {
            final IdleStrategy idle = new BackoffIdleStrategy();
            while (!link.isConnected())
            {
                idle.idle();
            }
            System.out.println("READY");
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[size]);
            final Pacer pacer = new Pacer(Long.parseLong(args[5]));
            for (long sequence = 0; sequence < count; sequence++)
            {
                pacer.awaitDue(sequence);
                BenchMessage.write(message, sequence, pacer.stamp(sequence));
                idle.reset();
                long result;
                while ((result = link.offer(message, 0, size)) < 0)
                {
                    if (result == OutboundLink.CLOSED || result == OutboundLink.MAX_POSITION_EXCEEDED)
                    {
                        throw new IllegalStateException("publication refused: " + result);
                    }
                    idle.idle(); // back-pressured, or the receiver not yet connected: Aeron's flow control
                }
            }
            System.out.println("SENT count=" + count);
            // Stay until the receiver has it all: closing the publication early would cut the stream.
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        }
    }
}
