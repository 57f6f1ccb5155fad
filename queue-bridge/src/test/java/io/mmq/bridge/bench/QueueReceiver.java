package io.mmq.bridge.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.MessageHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * The receiving end of a bridged path: a consumer of the far queue, joined before anything is published.
 * Arguments: FILE COUNT WARMUP HGRM WAIT. Prints {@code JOINED}, then {@code RECEIVED ...} (see {@link Receipts}).
 * WAIT is how it waits for a message, as the receiver of the engine alone does: {@code backoff} (spin, yield,
 * park up to 1 ms), as Aeron's receiver idles; {@code blocking}, mmq's blocking poll (the thread sleeps in the
 * kernel until a message is published), as a Kafka consumer waits in {@code poll}.
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
            final MessageHandler handler = (buffer, offset, length) ->
                receipts.received(BenchMessage.sequence(buffer, offset), BenchMessage.sentAt(buffer, offset));
            if ("blocking".equals(args[4]))
            {
                while (!receipts.done())
                {
                    consumer.poll(handler, 256, 100, TimeUnit.MILLISECONDS);
                }
            }
            else
            {
                final IdleStrategy idle = new BackoffIdleStrategy();
                while (!receipts.done())
                {
                    idle.idle(consumer.poll(handler, 256));
                }
            }
        }
        receipts.report(Path.of(args[3]));
    }
}
