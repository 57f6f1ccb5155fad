package io.mmq.bridge.bench;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import io.mmq.MessageHandler;

import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * The receiving end of a bridged path: a consumer of the far queue, joined before anything is published.
 * Arguments: FILE COUNT WARMUP HGRM. Prints {@code JOINED}, then {@code RECEIVED ...} (see {@link Receipts}).
 */
public final class QueueReceiver
{
    public static void main(final String[] args) throws Exception
    {
        final Receipts receipts = new Receipts(Long.parseLong(args[1]), Long.parseLong(args[2]));
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0]));
             Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            System.out.println("JOINED");
            // Backoff, as the Aeron receiver idles (the same strategy on both paths).
            final IdleStrategy idle = new BackoffIdleStrategy();
            final MessageHandler handler = (buffer, offset, length) ->
                receipts.received(BenchMessage.sequence(buffer, offset), BenchMessage.sentAt(buffer, offset));
            while (!receipts.done())
            {
                idle.idle(consumer.poll(handler, 256));
            }
        }
        receipts.report(Path.of(args[3]));
    }
}
