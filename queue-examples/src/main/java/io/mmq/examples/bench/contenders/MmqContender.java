package io.mmq.examples.bench.contenders;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.MessageHandler;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.examples.bench.harness.Channel;
import io.mmq.examples.bench.harness.Contender;
import io.mmq.examples.bench.harness.Endpoint;
import io.mmq.examples.bench.harness.IdleMode;
import io.mmq.examples.bench.harness.Role;
import io.mmq.mmap.MappedQueue;
import org.agrona.DirectBuffer;

/**
 * mmq itself: queue {@code a} carries pings and one-way messages, queue {@code b} carries the echoes.
 * Blocking mode uses the timed {@code offer} and the blocking {@code poll}, which sleep on a futex.
 */
public final class MmqContender implements Contender
{
    /** A blocking poll returns after this long without a message, so a role can notice a dead peer. */
    private static final long BLOCKING_WAIT_MILLIS = 100;

    @Override
    public String name()
    {
        return "mmq";
    }

    @Override
    public int maxConsumers()
    {
        return 64;
    }

    @Override
    public boolean supports(final IdleMode idle)
    {
        return true;
    }

    @Override
    public void prepare(final Channel channel)
    {
        final QueueOptions options = options(channel);
        MappedQueue.create(forward(channel), options).close();
        MappedQueue.create(backward(channel), options).close();
    }

    private static QueueOptions options(final Channel channel)
    {
        return QueueOptions.defaults().withCapacity(channel.ringCapacity())
            .withConsumerSlots(Math.max(channel.consumers(), 1) + 1);
    }

    private static Path forward(final Channel channel)
    {
        return channel.directory().resolve("a.mmq");
    }

    private static Path backward(final Channel channel)
    {
        return channel.directory().resolve("b.mmq");
    }

    @Override
    public Endpoint open(
        final Channel channel, final Role role, final int index, final IdleMode idle, final Runnable ready)
    {
        final MappedQueue forward = MappedQueue.open(forward(channel));
        final MappedQueue backward = MappedQueue.open(backward(channel));
        // Each side joins what it reads before it can publish anything the other side answers.
        final Consumer consumer;
        final Producer producer;
        switch (role)
        {
            case PING:
                consumer = backward.consumer(StartPosition.LATEST);
                producer = forward.producer();
                break;
            case PONG:
                consumer = forward.consumer(StartPosition.LATEST);
                producer = backward.producer();
                break;
            case PRODUCER:
                consumer = null;
                producer = forward.producer();
                break;
            default:
                consumer = forward.consumer(StartPosition.LATEST);
                producer = null;
        }
        ready.run();
        return new MmqEndpoint(forward, backward, producer, consumer, idle == IdleMode.BLOCKING);
    }

    private static final class MmqEndpoint implements Endpoint
    {
        private final MappedQueue forward;
        private final MappedQueue backward;
        private final Producer producer;
        private final Consumer consumer;
        private final boolean blocking;

        MmqEndpoint(final MappedQueue forward, final MappedQueue backward, final Producer producer,
            final Consumer consumer, final boolean blocking)
        {
            this.forward = forward;
            this.backward = backward;
            this.producer = producer;
            this.consumer = consumer;
            this.blocking = blocking;
        }

        @Override
        public boolean offer(final DirectBuffer buffer, final int offset, final int length)
        {
            final long result = blocking ?
                producer.offer(buffer, offset, length, BLOCKING_WAIT_MILLIS, TimeUnit.MILLISECONDS) :
                producer.offer(buffer, offset, length);
            if (result == Producer.CLOSED)
            {
                throw new IllegalStateException("the producer was closed");
            }
            return result > 0;
        }

        @Override
        public int poll(final MessageHandler handler, final int limit)
        {
            return blocking ?
                consumer.poll(handler, limit, BLOCKING_WAIT_MILLIS, TimeUnit.MILLISECONDS) :
                consumer.poll(handler, limit);
        }

        @Override
        public void close()
        {
            forward.close();
            backward.close();
        }
    }
}
