package io.mmq.bridge.bench;

import io.aeron.driver.ThreadingMode;

import java.nio.file.Path;

import io.mmq.bridge.aeron.AeronClient;
import io.mmq.bridge.aeron.EmbeddedMediaDriver;
import io.mmq.bridge.aeron.OutboundLink;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Aeron alone, sending: an exclusive UDP publication through an embedded media driver of its own, with the
 * bridges' UDP driver settings ({@link EmbeddedMediaDriver#launchForUdp}), the driver on a thread of its own
 * ({@code SHARED}) or run by this one ({@code INVOKER}, as the bridges run theirs). Arguments: AERON_DIR
 * CHANNEL STREAM COUNT SIZE RATE THREADING. Prints {@code READY} once a subscriber is connected, waits for {@code GO} on
 * standard input, then prints {@code SENT count=N late-p50=N late-p99=N} (see {@link Pacer#lateness()}).
 */
public final class AeronSender
{
    public static void main(final String[] args) throws Exception
    {
        final long count = Long.parseLong(args[3]);
        final int size = Integer.parseInt(args[4]);
        try (EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(Path.of(args[0]),
                 ThreadingMode.valueOf(args[6]));
             AeronClient client = AeronClient.connect(driver);
             OutboundLink link = client.publish(args[1], Integer.parseInt(args[2])))
        {
            final IdleStrategy idle = new BackoffIdleStrategy();
            while (!link.isConnected())
            {
                idle.idle(client.invoke());
            }
            System.out.println("READY");
            final java.io.BufferedReader stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
            stdin.readLine();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[size]);
            final long rate = Long.parseLong(args[5]);
            final Pacer pacer = new Pacer(rate);
            for (long sequence = 0; sequence < count; sequence++)
            {
                BenchMessage.write(message, sequence, pacer.awaitDue(sequence));
                idle.reset();
                long result;
                while ((result = link.offer(message, 0, size)) < 0)
                {
                    if (result == OutboundLink.CLOSED || result == OutboundLink.MAX_POSITION_EXCEEDED)
                    {
                        throw new IllegalStateException("publication refused: " + result);
                    }
                    idle.idle(client.invoke()); // back-pressured, or the receiver not yet connected: Aeron's flow control
                }
                if (rate > 0 || (sequence & 63) == 63)
                {
                    client.invoke(); // an invoked driver sends only now: each paced message, or every 64 flat out
                }
            }
            System.out.println("SENT count=" + count + " " + pacer.lateness());
            // Stay until the receiver has it all: closing the publication early would cut the stream.
            final java.util.concurrent.atomic.AtomicBoolean end = new java.util.concurrent.atomic.AtomicBoolean();
            final Thread reader = new Thread(() ->
            {
                try
                {
                    stdin.readLine();
                }
                catch (final java.io.IOException ignored)
                {
                }
                end.set(true);
            });
            reader.setDaemon(true);
            reader.start();
            while (!end.get())
            {
                idle.idle(client.invoke());
            }
        }
    }
}
