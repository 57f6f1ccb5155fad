package io.mmq.bridge.bench;

import io.aeron.driver.ThreadingMode;

import java.nio.file.Path;

import io.mmq.bridge.aeron.AeronClient;
import io.mmq.bridge.aeron.EmbeddedMediaDriver;
import io.mmq.bridge.aeron.InboundLink;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Aeron alone, receiving: a UDP subscription through an embedded media driver of its own, on a thread of
 * its own ({@code SHARED}) or run by this one between polls ({@code INVOKER}). Arguments: AERON_DIR CHANNEL
 * STREAM COUNT WARMUP HGRM THREADING. Prints {@code JOINED}, then {@code RECEIVED ...}.
 */
public final class AeronReceiver
{
    public static void main(final String[] args) throws Exception
    {
        final Receipts receipts = new Receipts(Long.parseLong(args[3]), Long.parseLong(args[4]));
        try (EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(Path.of(args[0]),
                 ThreadingMode.valueOf(args[6]));
             AeronClient client = AeronClient.connect(driver);
             InboundLink link = client.subscribe(args[1], Integer.parseInt(args[2])))
        {
            System.out.println("JOINED");
            // Backoff, as the bridges idle: on two cores a busy-spinning receiver would take a core from them.
            final IdleStrategy idle = new BackoffIdleStrategy();
            while (!receipts.done())
            {
                idle.idle(client.invoke() + link.poll((buffer, offset, length) ->
                    receipts.received(BenchMessage.sequence(buffer, offset), BenchMessage.sentAt(buffer, offset)), 256));
            }
        }
        receipts.report(Path.of(args[5]));
    }
}
