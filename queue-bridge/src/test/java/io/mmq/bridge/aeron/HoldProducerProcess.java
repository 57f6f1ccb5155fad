package io.mmq.bridge.aeron;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

import io.mmq.Producer;
import io.mmq.mmap.MappedQueue;

/**
 * Another process producing into a queue: takes the producer role of the queue given, says {@code HOLDING},
 * and keeps the role until a line (or the end) comes on its standard input.
 */
public final class HoldProducerProcess
{
    public static void main(final String[] args) throws Exception
    {
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0])); Producer producer = queue.producer())
        {
            System.out.println("HOLDING");
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
    }
}
