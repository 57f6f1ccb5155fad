package io.mmq.examples.samples.requestresponse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.MessageHandler;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.StartPosition;
import io.mmq.examples.samples.Consumers;
import io.mmq.mmap.MappedQueue;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.mmq.examples.samples.requestresponse.Protocol.*;

/**
 * The client: sends requests on queue {@code requests} with {@code offer}, one at a time, and waits for
 * each response on queue {@code responses}, matching it to its request by correlation id. Measures the
 * round trips and prints their percentiles.
 */
final class Client
{
    private static final int SHOWN = 5;

    private final MessageHandler onResponse = this::onResponse; // made once: polling allocates nothing
    private long respondedId;
    private long respondedSquare;

    private Client()
    {
    }

    /**
     * @return true if every request got the right response.
     */
    static boolean run(final Path directory, final long count) throws InterruptedException
    {
        try (MappedQueue requestQueue = requests(directory);
             MappedQueue responseQueue = responses(directory);
             // Join "responses" before asking anything, so that no answer can come before we listen.
             Consumer responses = responseQueue.consumer(StartPosition.LATEST);
             Producer requests = requestQueue.producer())
        {
            System.out.println("waiting for a server on " + requestQueue.path());
            Consumers.awaitJoined(requestQueue, 1, Duration.ofSeconds(30));

            final Client client = new Client();
            final UnsafeBuffer request = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
            final Histogram roundTrips = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            final long start = System.nanoTime();
            for (long id = 0; id < count; id++)
            {
                final long number = id % 1000;
                request.putLong(CORRELATION_ID_OFFSET, id);
                request.putLong(NUMBER_OFFSET, number);

                final long sentAt = System.nanoTime();
                while (requests.offer(request, 0, MESSAGE_LENGTH) < 0)
                {
                    Thread.onSpinWait(); // back-pressured: the server is a whole ring behind
                }
                // Sleeps in the kernel until the response comes (a few microseconds of spinning first).
                if (responses.poll(client.onResponse, 1, 5, TimeUnit.SECONDS) == 0)
                {
                    throw new MmqException(responseQueue.path() + ": no response to request " + id +
                        " within 5 s; is the server still running?");
                }
                final long roundTrip = System.nanoTime() - sentAt;
                roundTrips.recordValue(roundTrip);

                if (client.respondedId != id || client.respondedSquare != number * number)
                {
                    System.out.printf("request %d (%d squared) got response %d saying %d%n",
                        id, number, client.respondedId, client.respondedSquare);
                    return false;
                }
                if (id < SHOWN || id == count - 1)
                {
                    System.out.printf("request %,d: %d squared? response %,d: %d (round trip %.1f us)%n",
                        id, number, client.respondedId, client.respondedSquare, roundTrip / 1e3);
                }
                else if (id == SHOWN)
                {
                    System.out.println("...");
                }
            }
            while (requests.offer(request, 0, 0) < 0) // an empty request: goodbye
            {
                Thread.onSpinWait();
            }
            final double seconds = (System.nanoTime() - start) / 1e9;

            System.out.printf("%,d requests, every response matched to its request, in %.2f s%n",
                count, seconds);
            System.out.printf("round trip p50 %.1f us, p99 %.1f us, max %.1f us%n",
                roundTrips.getValueAtPercentile(50) / 1e3, roundTrips.getValueAtPercentile(99) / 1e3,
                roundTrips.getMaxValue() / 1e3);
            return true;
        }
    }

    private void onResponse(final DirectBuffer buffer, final int offset, final int length)
    {
        respondedId = buffer.getLong(offset + CORRELATION_ID_OFFSET);
        respondedSquare = buffer.getLong(offset + NUMBER_OFFSET);
    }
}
