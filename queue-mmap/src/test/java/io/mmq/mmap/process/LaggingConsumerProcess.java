package io.mmq.mmap.process;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.ConsumerEvictedException;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;

/**
 * A consumer that joins, reads nothing until a line arrives on stdin, then polls once: on a queue with
 * an eviction lag that the producer has since run past, it finds itself evicted. Prints
 * {@code JOINED slot=S}, then {@code EVICTED position=P} or {@code NOT-EVICTED delivered=N}.
 */
public final class LaggingConsumerProcess
{
    public static void main(final String[] args) throws Exception
    {
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])); Consumer consumer = queue.consumer(StartPosition.LATEST))
        {
            System.out.println("JOINED slot=" + consumer.slot() + " position=" + consumer.position());
            new BufferedReader(new InputStreamReader(System.in)).readLine();
            try
            {
                System.out.println("NOT-EVICTED delivered=" + consumer.poll((buffer, offset, length) -> { }, 1000));
            }
            catch (final ConsumerEvictedException evicted)
            {
                System.out.println("EVICTED position=" + evicted.position());
            }
        }
    }
}
