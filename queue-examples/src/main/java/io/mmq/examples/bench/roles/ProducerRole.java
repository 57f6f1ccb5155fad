package io.mmq.examples.bench.roles;

import java.nio.ByteBuffer;

import io.mmq.examples.bench.harness.Endpoint;
import io.mmq.examples.demo.Progress;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The throughput run's driver: publishes numbered messages as fast as the consumers allow, warm-up
 * first, then the measured phase, then an end message carrying how many were sent. The clock is read
 * every {@value #CLOCK_EVERY} messages, not per message, so that reading it costs nothing measurable.
 *
 * <p>Prints {@code PROGRESS published=N}, then {@code RESULT sent=N measured=M seconds=S}.
 */
final class ProducerRole
{
    private static final int CLOCK_EVERY = 256;

    private final Endpoint endpoint;
    private final IdleStrategy idle;
    private final UnsafeBuffer message;
    private final int length;

    ProducerRole(final Endpoint endpoint, final IdleStrategy idle, final int length)
    {
        this.endpoint = endpoint;
        this.idle = idle;
        this.length = length;
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
    }

    void run(final long warmupNanos, final long durationNanos)
    {
        final Progress progress = new Progress("PROGRESS published=");
        final long warmupEnd = System.nanoTime() + warmupNanos;
        long measureStart = 0;
        long measureEnd = Long.MAX_VALUE;
        long now = 0;
        int phase = Payload.WARMUP;
        long sequence = 0;
        long measured = 0;
        while (true)
        {
            send(sequence, phase);
            sequence++;
            measured += phase;
            progress.maybeReport(sequence);
            if ((sequence & (CLOCK_EVERY - 1)) == 0)
            {
                now = System.nanoTime();
                if (phase == Payload.WARMUP && now - warmupEnd >= 0)
                {
                    phase = Payload.MEASURED;
                    measureStart = now;
                    measureEnd = now + durationNanos;
                }
                else if (now - measureEnd >= 0)
                {
                    break;
                }
            }
        }
        send(sequence, Payload.END);
        System.out.printf("RESULT sent=%d measured=%d seconds=%.6f%n", sequence, measured, (now - measureStart) / 1e9);
    }

    private void send(final long sequence, final int phase)
    {
        message.putLong(Payload.SEQUENCE_OFFSET, sequence);
        message.putInt(Payload.PHASE_OFFSET, phase);
        while (!endpoint.offer(message, 0, length))
        {
            idle.idle();
        }
        idle.reset();
    }
}
