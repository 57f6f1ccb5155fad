package io.mmq.examples.bench.roles;

import java.nio.ByteBuffer;

import io.mmq.MessageHandler;
import io.mmq.examples.bench.harness.Endpoint;
import io.mmq.examples.bench.harness.HistogramText;
import io.mmq.examples.demo.Progress;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The latency run's driver: sends a message, waits for its echo, and records the round trip, one
 * message in flight; warm-up round trips first, untimed. Then it opens the pong's idle window (the pong
 * measures its own CPU while nothing arrives) and ends the run.
 *
 * <p>Prints {@code PROGRESS received=N}, then
 * {@code RESULT roundTrips=N measured=M histogram=BASE64}.
 */
final class PingRole implements MessageHandler
{
    private final Endpoint endpoint;
    private final IdleStrategy idle;
    private final UnsafeBuffer message;
    private final int length;
    private long echoed;

    PingRole(final Endpoint endpoint, final IdleStrategy idle, final int length)
    {
        this.endpoint = endpoint;
        this.idle = idle;
        this.length = length;
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
    }

    void run(final long warmupNanos, final long durationNanos, final long idleWindowNanos)
        throws InterruptedException
    {
        final Histogram roundTrips = new Histogram(60_000_000_000L, 3);
        final Progress progress = new Progress("PROGRESS received=");
        long sequence = 0;
        final long warmupEnd = System.nanoTime() + warmupNanos;
        while (System.nanoTime() - warmupEnd < 0)
        {
            roundTrip(sequence++);
            progress.maybeReport(sequence);
        }
        long measured = 0;
        final long measureEnd = System.nanoTime() + durationNanos;
        long end;
        do
        {
            final long start = System.nanoTime();
            roundTrip(sequence++);
            end = System.nanoTime();
            roundTrips.recordValue(end - start);
            measured++;
            progress.maybeReport(sequence);
        }
        while (end - measureEnd < 0);

        send(Payload.IDLE_MARK);
        Thread.sleep(idleWindowNanos / 1_000_000);
        send(Payload.END_MARK);
        System.out.printf("RESULT roundTrips=%d measured=%d histogram=%s%n",
            sequence, measured, HistogramText.encode(roundTrips));
    }

    private void roundTrip(final long sequence)
    {
        send(sequence);
        echoed = Long.MIN_VALUE;
        while (endpoint.poll(this, 1) == 0)
        {
            idle.idle();
        }
        idle.reset();
        if (echoed != sequence)
        {
            throw new IllegalStateException("sent message " + sequence + " but the echo was " + echoed);
        }
    }

    private void send(final long sequence)
    {
        message.putLong(Payload.SEQUENCE_OFFSET, sequence);
        while (!endpoint.offer(message, 0, length))
        {
            idle.idle();
        }
        idle.reset();
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        echoed = length == this.length ? buffer.getLong(offset + Payload.SEQUENCE_OFFSET) : -length;
    }
}
