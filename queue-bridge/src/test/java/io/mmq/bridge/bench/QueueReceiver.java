package io.mmq.bridge.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * The receiving end of a bridged path: a consumer of the far queue, joined before anything is published.
 * Arguments: FILE count HGRM. Prints {@code JOINED}, then {@code RECEIVED ...} (see {@link Receipts}).
 */
public final class QueueReceiver
{
    public static void main(final String[] args) throws Exception
    {
        final Receipts receipts = new Receipts(Long.parseLong(args[1]));
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0]));
             Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            System.out.println("JOINED");
            while (!receipts.done())
            {
                // Blocking: spins a few microseconds, then sleeps until woken; on two cores shared with the
                // bridges and the engine, a busy-spinning receiver would take a core from them.
                consumer.poll((buffer, offset, length) ->
                    receipts.received(BenchMessage.sequence(buffer, offset), BenchMessage.sentAt(buffer, offset)),
                    256, 100, TimeUnit.MILLISECONDS);
            }
        }
        receipts.report(Path.of(args[2]));
    }
}
