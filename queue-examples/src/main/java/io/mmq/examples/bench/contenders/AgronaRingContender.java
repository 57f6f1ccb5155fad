package io.mmq.examples.bench.contenders;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.mmq.MessageHandler;
import io.mmq.examples.bench.harness.Channel;
import io.mmq.examples.bench.harness.Contender;
import io.mmq.examples.bench.harness.Endpoint;
import io.mmq.examples.bench.harness.IdleMode;
import io.mmq.examples.bench.harness.Role;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Agrona's {@link OneToOneRingBuffer} over a memory-mapped file, the design mmq's ring descends from:
 * one ring each way, one reader each, so one consumer only. It has no blocking mode.
 */
public final class AgronaRingContender implements Contender
{
    private static final int MESSAGE_TYPE = 1;
    private static final int PAGE = 4096;

    @Override
    public String name()
    {
        return "agrona";
    }

    @Override
    public int maxConsumers()
    {
        return 1;
    }

    @Override
    public boolean supports(final IdleMode idle)
    {
        return idle != IdleMode.BLOCKING;
    }

    @Override
    public void prepare(final Channel channel) throws IOException
    {
        for (final Path file : new Path[] {forward(channel), backward(channel)})
        {
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
            {
                // Written, not sparse: the pages exist before either process maps them, as mmq's do.
                final ByteBuffer zeros = ByteBuffer.allocate(PAGE);
                for (long at = 0; at < fileLength(channel); at += PAGE)
                {
                    zeros.clear().limit((int)Math.min(PAGE, fileLength(channel) - at));
                    out.write(zeros, at);
                }
            }
        }
    }

    private static int fileLength(final Channel channel)
    {
        return channel.ringCapacity() + RingBufferDescriptor.TRAILER_LENGTH;
    }

    private static Path forward(final Channel channel)
    {
        return channel.directory().resolve("a.ring");
    }

    private static Path backward(final Channel channel)
    {
        return channel.directory().resolve("b.ring");
    }

    @Override
    public Endpoint open(
        final Channel channel, final Role role, final int index, final IdleMode idle, final Runnable ready)
        throws IOException
    {
        final OneToOneRingBuffer forward = map(forward(channel), fileLength(channel));
        final OneToOneRingBuffer backward = map(backward(channel), fileLength(channel));
        final boolean sendsForward = role == Role.PING || role == Role.PRODUCER;
        final OneToOneRingBuffer out = sendsForward ? forward : backward;
        final OneToOneRingBuffer in = sendsForward ? backward : forward;
        touch(out, true);
        touch(in, false);
        ready.run();
        return new RingEndpoint(out, in);
    }

    private static OneToOneRingBuffer map(final Path file, final int length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            return new OneToOneRingBuffer(new UnsafeBuffer(mapped));
        }
    }

    /**
     * Takes each page's first-touch fault now, as mmq's pretouch does, so neither pays it while measured.
     * The writer adds zero atomically, which changes no byte even if the other side is already reading.
     */
    private static void touch(final OneToOneRingBuffer ring, final boolean forWriting)
    {
        final int capacity = ring.capacity();
        for (int at = 0; at < capacity; at += PAGE)
        {
            if (forWriting)
            {
                ring.buffer().getAndAddInt(at, 0);
            }
            else
            {
                ring.buffer().getIntVolatile(at);
            }
        }
    }

    private static final class RingEndpoint implements Endpoint, org.agrona.concurrent.MessageHandler
    {
        private final OneToOneRingBuffer out;
        private final OneToOneRingBuffer in;
        private MessageHandler handler;

        RingEndpoint(final OneToOneRingBuffer out, final OneToOneRingBuffer in)
        {
            this.out = out;
            this.in = in;
        }

        @Override
        public boolean offer(final DirectBuffer buffer, final int offset, final int length)
        {
            return out.write(MESSAGE_TYPE, buffer, offset, length);
        }

        @Override
        public int poll(final MessageHandler handler, final int limit)
        {
            this.handler = handler;
            return in.read(this, limit);
        }

        @Override
        public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
        {
            handler.onMessage(buffer, index, length);
        }

        @Override
        public void close()
        {
            // The mappings go with the process.
        }
    }
}
