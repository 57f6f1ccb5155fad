package io.mmq.examples.bench.harness;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * How fast one thread copies messages of a size into a ring-sized region: what a transport that moves
 * every byte once can hope for. Measured in the harness's JVM (Agrona's {@code putBytes}, which is
 * {@code Unsafe.copyMemory}, a memmove), after a warm-up of the same length.
 */
final class MemcpyReference
{
    private static final int CLOCK_EVERY = 64;

    private MemcpyReference()
    {
    }

    /**
     * @return messages copied per second.
     */
    static double messagesPerSecond(final int size, final int span, final long nanos)
    {
        final UnsafeBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        final UnsafeBuffer ring = new UnsafeBuffer(ByteBuffer.allocateDirect(span));
        final int stride = (size + 8 + 7) & ~7; // a ring frame's footprint: a header and 8-byte alignment
        copyFor(source, ring, size, stride, nanos);
        return copyFor(source, ring, size, stride, nanos);
    }

    private static double copyFor(
        final UnsafeBuffer source, final UnsafeBuffer ring, final int size, final int stride, final long nanos)
    {
        final long start = System.nanoTime();
        long copies = 0;
        int offset = 0;
        long now;
        do
        {
            for (int i = 0; i < CLOCK_EVERY; i++)
            {
                if (offset + stride > ring.capacity())
                {
                    offset = 0;
                }
                ring.putBytes(offset + 8, source, 0, size);
                offset += stride;
            }
            copies += CLOCK_EVERY;
            now = System.nanoTime();
        }
        while (now - start < nanos);
        return copies * 1e9 / (now - start);
    }
}
