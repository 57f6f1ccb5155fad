package io.mmq.examples.samples.javatopython;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.examples.samples.Consumers;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.examples.samples.javatopython.Tick.*;

/**
 * The Java producer: publishes made-up price ticks for four symbols (a random walk, in cents) and adds
 * up what it sent, so that the Python reader's totals can be compared with it.
 */
final class TickProducer
{
    private static final String[] SYMBOLS = {"AAPL    ", "MSFT    ", "GOOG    ", "AMZN    "}; // 8 bytes each
    private static final long[] START_CENTS = {18_725, 41_230, 14_180, 17_815};

    private TickProducer()
    {
    }

    /**
     * @return the totals of what was published, as the Python reader prints its own.
     */
    static String run(final Path file, final long count, final long showEvery) throws InterruptedException
    {
        try (MappedQueue queue = MappedQueue.openOrCreate(file, QUEUE_OPTIONS); Producer producer = queue.producer())
        {
            System.out.printf("publishing %,d ticks on %s once a reader has joined%n", count, file);
            Consumers.awaitJoined(queue, 1, Duration.ofSeconds(60));

            final UnsafeBuffer tick = new UnsafeBuffer(new byte[LENGTH]);
            final long[] midCents = START_CENTS.clone();
            final Random random = new Random(42);
            long bidCents = 0;
            long askCents = 0;
            long shares = 0;
            for (long seq = 0; seq < count; seq++)
            {
                final int symbol = random.nextInt(SYMBOLS.length);
                midCents[symbol] += random.nextInt(5) - 2;
                final int size = 100 * (1 + random.nextInt(10));
                tick.putLong(SEQUENCE_OFFSET, seq);
                tick.putLong(TIME_OFFSET, System.currentTimeMillis());
                tick.putStringWithoutLengthAscii(SYMBOL_OFFSET, SYMBOLS[symbol]);
                tick.putDouble(BID_OFFSET, (midCents[symbol] - 1) / 100.0);
                tick.putDouble(ASK_OFFSET, (midCents[symbol] + 1) / 100.0);
                tick.putInt(SIZE_OFFSET, size);

                // Waits while the reader is a whole ring behind: nothing is ever overwritten unread.
                if (producer.offer(tick, 0, LENGTH, 10, TimeUnit.SECONDS) < 0)
                {
                    throw new MmqException(file + ": the Python reader has read nothing for 10 s");
                }
                bidCents += midCents[symbol] - 1;
                askCents += midCents[symbol] + 1;
                shares += size;
                if (seq % showEvery == 0)
                {
                    System.out.println("published " + describe(tick, 0));
                }
            }
            producer.offer(tick, 0, 0, 10, TimeUnit.SECONDS); // an empty message: no more ticks
            return String.format("totals: ticks=%d bid_cents=%d ask_cents=%d size=%d", count, bidCents, askCents, shares);
        }
    }
}
