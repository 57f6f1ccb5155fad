package io.mmq.examples.samples;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.BufferClaim;
import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.examples.Mmq;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq example request-response}: a client JVM and a server JVM over two queues.
 */
class RequestResponseExampleTest
{
    @TempDir
    Path directory;

    @Test
    void everyRequestIsAnsweredByTheServerJvmAndMatchedToItsResponse() throws Exception
    {
        final ExampleRun run = ExampleRun.succeeding("example", "request-response", "--requests", "500");

        run.assertPrinted("request 0: 0 squared? response 0: 0 (round trip " +
            run.line("request 0:").split("round trip ")[1]);
        assertTrue(run.line("request 499:").startsWith("request 499: 499 squared? response 499: 249001 "),
            run.output().toString());
        run.line("500 requests, every response matched to its request, in ");
        assertTrue(run.line("round trip p50 ").matches("round trip p50 [0-9.]+ us, p99 [0-9.]+ us, max [0-9.]+ us"));
        run.assertPrinted("[server] answered 500 requests; the client said goodbye");
    }

    @Test
    void aServerAndAClientStartedInTwoTerminalsFindEachOther() throws Exception
    {
        try (Child client = Child.start("client", Mmq.class, "example", "request-response", "client",
                "--requests", "100", "--dir", directory);
             Child server = Child.start("server", Mmq.class, "example", "request-response", "server",
                "--dir", directory))
        {
            assertEquals(0, client.awaitExit(120), client.errors());
            assertEquals(0, server.awaitExit(60), server.errors());
            assertTrue(client.output().contains("waiting for a server on " + directory.resolve("requests.mmq")));
            assertTrue(client.output().stream().anyMatch(line -> line.startsWith("100 requests, every response matched")),
                client.output().toString());
            assertTrue(server.output().contains("answered 100 requests; the client said goodbye"), server.output().toString());
        }
    }

    @Test
    void aWrongResponseIsReportedAndTheClientFails() throws Exception
    {
        final QueueOptions options = QueueOptions.defaults().withCapacity(64 * 1024).withConsumerSlots(4);
        try (MappedQueue requestQueue = MappedQueue.openOrCreate(directory.resolve("requests.mmq"), options);
             MappedQueue responseQueue = MappedQueue.openOrCreate(directory.resolve("responses.mmq"), options);
             Consumer requests = requestQueue.consumer(StartPosition.LATEST);
             Producer responses = responseQueue.producer();
             Child client = Child.start("client", Mmq.class, "example", "request-response", "client",
                 "--requests", "10", "--dir", directory))
        {
            final BufferClaim claim = new BufferClaim();
            final long[] answered = {0};
            while (client.process().isAlive() && answered[0] < 10)
            {
                requests.poll((buffer, offset, length) ->
                {
                    final long id = buffer.getLong(offset);
                    final long number = buffer.getLong(offset + 8);
                    assertTrue(responses.tryClaim(16, claim) > 0);
                    claim.buffer().putLong(claim.offset(), id);
                    claim.buffer().putLong(claim.offset() + 8, id == 3 ? number * number + 1 : number * number);
                    claim.commit();
                    answered[0]++;
                }, 1, 100, TimeUnit.MILLISECONDS);
            }
            assertEquals(1, client.awaitExit(60), client.errors());
            assertTrue(client.output().contains("request 3 (3 squared) got response 3 saying 10"), client.output().toString());
        }
    }
}
