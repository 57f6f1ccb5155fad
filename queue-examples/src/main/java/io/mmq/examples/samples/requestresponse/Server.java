package io.mmq.examples.samples.requestresponse;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.BufferClaim;
import io.mmq.Consumer;
import io.mmq.MessageHandler;
import io.mmq.Producer;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.mmq.examples.samples.requestresponse.Protocol.*;

/**
 * The server: reads requests from queue {@code requests} and answers each on queue {@code responses},
 * with the request's correlation id, until the client says goodbye.
 *
 * <p>It waits for requests with the blocking {@code poll}, so between requests it sleeps in the kernel
 * and uses no CPU. It writes each response in place in the ring with {@code tryClaim}: no copy.
 */
final class Server
{
    private final Producer responses;
    private final BufferClaim claim = new BufferClaim();
    private final MessageHandler onRequest = this::onRequest; // made once: polling allocates nothing
    private long answered;
    private boolean goodbye;

    private Server(final Producer responses)
    {
        this.responses = responses;
    }

    static void run(final Path directory)
    {
        try (MappedQueue requestQueue = requests(directory);
             MappedQueue responseQueue = responses(directory);
             Consumer requests = requestQueue.consumer(StartPosition.LATEST);
             Producer responses = responseQueue.producer())
        {
            System.out.println("listening on " + requestQueue.path() + ", answering on " +
                responseQueue.path());
            final Server server = new Server(responses);
            while (!server.goodbye)
            {
                // Delivers what is there, or sleeps until a request comes (up to a second, then loops).
                requests.poll(server.onRequest, 64, 1, TimeUnit.SECONDS);
            }
            System.out.printf("answered %,d requests; the client said goodbye%n", server.answered);
        }
    }

    private void onRequest(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length == 0)
        {
            goodbye = true;
            return;
        }
        final long correlationId = buffer.getLong(offset + CORRELATION_ID_OFFSET);
        final long number = buffer.getLong(offset + NUMBER_OFFSET);

        // Room in the ring for the response; a negative answer means the client is a whole ring behind.
        while (responses.tryClaim(MESSAGE_LENGTH, claim) < 0)
        {
            Thread.onSpinWait();
        }
        final MutableDirectBuffer response = claim.buffer();
        response.putLong(claim.offset() + CORRELATION_ID_OFFSET, correlationId);
        response.putLong(claim.offset() + NUMBER_OFFSET, number * number);
        claim.commit();
        answered++;
    }
}
