package io.mmq.bridge.bench;

import java.nio.file.Path;

import io.mmq.bridge.aeron.AeronClient;
import io.mmq.bridge.aeron.EmbeddedMediaDriver;
import io.mmq.bridge.aeron.InboundLink;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Aeron alone, receiving: a UDP subscription through an embedded media driver of its own. Arguments:
 * AERON_DIR CHANNEL STREAM count HGRM. Prints {@code JOINED}, then {@code RECEIVED ...}.
 */
public final class AeronReceiver
{
    public static void main(final String[] args) throws Exception
    {
        final Receipts receipts = new Receipts(Long.parseLong(args[3]));
        try (EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(Path.of(args[0]));
             AeronClient client = AeronClient.connect(Path.of(args[0]));
             InboundLink link = client.subscribe(args[1], Integer.parseInt(args[2])))
        {
            System.out.println("JOINED");
            // Backoff, as the bridges idle: on two cores a busy-spinning receiver would take a core from them.
            final IdleStrategy idle = new BackoffIdleStrategy();
            while (!receipts.done())
            {
                idle.idle(link.poll((buffer, offset, length) ->
                    receipts.received(BenchMessage.sequence(buffer, offset), BenchMessage.sentAt(buffer, offset)), 256));
            }
        }
        receipts.report(Path.of(args[4]));
    }
}
