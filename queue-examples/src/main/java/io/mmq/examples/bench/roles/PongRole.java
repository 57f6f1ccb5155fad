package io.mmq.examples.bench.roles;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import io.mmq.MessageHandler;
import io.mmq.examples.bench.harness.Endpoint;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * Echoes every message back to the pinger, checking the sequence. Between the pinger's idle mark and
 * its end mark nothing arrives: the CPU time of the polling thread then is what its idle strategy costs
 * (the JVM's own threads, compiling or collecting, are not the transport's doing and are left out).
 *
 * <p>Prints {@code RESULT echoed=N idleCpu=PERCENT}.
 */
final class PongRole implements MessageHandler
{
    private final Endpoint endpoint;
    private final IdleStrategy idle;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long expected;
    private boolean ended;
    private long idleCpuStart;
    private long idleWallStart;
    private double idleCpuPercent = Double.NaN;

    PongRole(final Endpoint endpoint, final IdleStrategy idle)
    {
        this.endpoint = endpoint;
        this.idle = idle;
    }

    void run()
    {
        while (!ended)
        {
            if (endpoint.poll(this, 1) == 0)
            {
                idle.idle();
            }
            else
            {
                idle.reset();
            }
        }
        System.out.printf("RESULT echoed=%d idleCpu=%.1f%n", expected, idleCpuPercent);
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = buffer.getLong(offset + Payload.SEQUENCE_OFFSET);
        if (sequence == Payload.IDLE_MARK)
        {
            idleWallStart = System.nanoTime();
            idleCpuStart = threads.getCurrentThreadCpuTime();
            return;
        }
        if (sequence == Payload.END_MARK)
        {
            idleCpuPercent = 100.0 * (threads.getCurrentThreadCpuTime() - idleCpuStart) / (System.nanoTime() - idleWallStart);
            ended = true;
            return;
        }
        if (sequence != expected)
        {
            throw new IllegalStateException("expected message " + expected + " but received " + sequence);
        }
        expected++;
        while (!endpoint.offer(buffer, offset, length))
        {
            idle.idle();
        }
        idle.reset();
    }
}
