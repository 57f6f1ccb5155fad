package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * A consumer that joins and then never reads: it holds the producer back until it is killed.
 * Prints {@code JOINED slot=S}.
 */
public final class StallingConsumerProcess
{
    public static void main(final String[] args) throws Exception
    {
        final MappedQueue queue = MappedQueue.open(Path.of(args[0]));
        final Consumer consumer = queue.consumer(StartPosition.LATEST);
        System.out.println("JOINED slot=" + consumer.slot());
        Thread.sleep(Long.MAX_VALUE);
    }
}
