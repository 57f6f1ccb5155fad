package io.mmq.examples.bench.roles;

import io.mmq.MessageHandler;
import io.mmq.examples.bench.harness.Endpoint;
import io.mmq.examples.demo.Progress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * Receives every message of a throughput run, checks that the sequence has no gap and that the count
 * matches the producer's end message, and times the measured phase: from its first message to the end
 * message. The handler reads the sequence and phase only, as a consumer that looks at a field would.
 *
 * <p>Prints {@code PROGRESS received=N}, then {@code RESULT received=N measured=M seconds=S}, or
 * {@code FAILED why} and exits 1.
 */
final class ConsumerRole implements MessageHandler
{
    private static final int POLL_LIMIT = 1024;

    private final Endpoint endpoint;
    private final IdleStrategy idle;
    private long expected;
    private long measured;
    private long measureStart;
    private long measureEnd;
    private long announced = -1;
    private String failure;

    ConsumerRole(final Endpoint endpoint, final IdleStrategy idle)
    {
        this.endpoint = endpoint;
        this.idle = idle;
    }

    int run()
    {
        final Progress progress = new Progress("PROGRESS received=");
        while (announced < 0 && null == failure)
        {
            if (endpoint.poll(this, POLL_LIMIT) == 0)
            {
                idle.idle();
            }
            else
            {
                idle.reset();
            }
            progress.maybeReport(expected);
        }
        if (null == failure && announced != expected)
        {
            failure = "the producer sent " + announced + " messages but " + expected + " arrived";
        }
        if (null != failure)
        {
            System.out.println("FAILED " + failure);
            return 1;
        }
        System.out.printf("RESULT received=%d measured=%d seconds=%.6f%n",
            expected, measured, (measureEnd - measureStart) / 1e9);
        return 0;
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = buffer.getLong(offset + Payload.SEQUENCE_OFFSET);
        final int phase = buffer.getInt(offset + Payload.PHASE_OFFSET);
        if (phase == Payload.END)
        {
            measureEnd = System.nanoTime();
            announced = sequence;
            return;
        }
        if (sequence != expected && null == failure)
        {
            failure = "expected message " + expected + " but received " + sequence;
        }
        expected = sequence + 1;
        if (phase == Payload.MEASURED && measured++ == 0)
        {
            measureStart = System.nanoTime();
        }
    }
}
