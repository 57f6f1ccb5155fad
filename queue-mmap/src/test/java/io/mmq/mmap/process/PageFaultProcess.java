package io.mmq.mmap.process;

import java.nio.file.Path;

import io.mmq.Consumer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.PageFaults;

/**
 * Opens a consumer (with or without pretouch) in a fresh process, whose mapping has never been touched,
 * reads what the ring retains, and prints {@code FAULTS n}: the page faults taken while reading.
 */
public final class PageFaultProcess
{
    public static void main(final String[] args) throws Exception
    {
        final QueueOptions options = QueueOptions.defaults()
            .withCapacity(Integer.parseInt(args[1])).withPretouch(Boolean.parseBoolean(args[2]));
        try (MappedQueue queue = MappedQueue.open(Path.of(args[0]), options);
             Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            final long[] sum = {0};
            consumer.poll((buffer, offset, length) -> sum[0] += length, 1); // warm the code path
            final long before = PageFaults.minorFaults();
            while (consumer.poll((buffer, offset, length) -> sum[0] += buffer.getByte(offset + length - 1), 100) > 0)
            {
                Thread.onSpinWait();
            }
            System.out.println("FAULTS " + (PageFaults.minorFaults() - before) + " sum=" + sum[0]);
        }
    }

    /**
     * @return page faults a fresh consumer process took reading the retained ring.
     */
    public static long faultsReading(final Path file, final int capacity, final boolean pretouch) throws Exception
    {
        try (Child child = Child.start("faults-" + pretouch, PageFaultProcess.class, file, capacity, pretouch))
        {
            final String line = child.awaitLine("FAULTS", 60);
            child.awaitExit(60);
            return Long.parseLong(line.split(" ")[1]);
        }
    }
}
