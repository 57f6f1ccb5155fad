package io.mmq.examples.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.BufferClaim;
import io.mmq.Consumer;
import io.mmq.MessageHandler;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * mmq's hot paths on the calling thread, in nanoseconds per message: {@code offer} and
 * {@code tryClaim}/{@code commit} with no consumer (nothing holds the producer back), and an offer
 * followed by the {@code poll} that takes it, one message and a batch at a time, with one consumer in
 * the same thread. {@link AgronaRingBenchmark} measures Agrona's ring the same way.
 *
 * <p>Run: {@code ./mmq jmh MmqHotPath} (add {@code -f 1 -wi 3 -i 5} for a shorter run).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class MmqHotPathBenchmark
{
    static final int BATCH = 16;

    /**
     * A queue of 1 MiB in /dev/shm with a producer, and one consumer when the benchmark needs it.
     */
    @State(Scope.Thread)
    public static class Queue implements MessageHandler
    {
        @Param({"32", "256", "1024"})
        int size;

        Path file;
        MappedQueue queue;
        Producer producer;
        Consumer consumer;
        UnsafeBuffer message;
        final BufferClaim claim = new BufferClaim();
        long sum;

        void open(final boolean withConsumer) throws Exception
        {
            file = QueueFiles.fresh("hot-path");
            queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(1 << 20));
            consumer = withConsumer ? queue.consumer(StartPosition.LATEST) : null;
            producer = queue.producer();
            message = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        }

        @TearDown(Level.Trial)
        public void close() throws Exception
        {
            queue.close();
            Files.deleteIfExists(file);
        }

        @Override
        public void onMessage(final DirectBuffer buffer, final int offset, final int length)
        {
            sum += buffer.getLong(offset);
        }
    }

    /** The producer alone. */
    public static class ProducerOnly extends Queue
    {
        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            open(false);
        }
    }

    /** The producer and one consumer, used from the same thread. */
    public static class WithConsumer extends Queue
    {
        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            open(true);
        }
    }

    @Benchmark
    public long offer(final ProducerOnly state)
    {
        return state.producer.offer(state.message, 0, state.size);
    }

    @Benchmark
    public long claimAndCommit(final ProducerOnly state)
    {
        final long position = state.producer.tryClaim(state.size, state.claim);
        state.claim.buffer().putLong(state.claim.offset(), position);
        state.claim.commit();
        return position;
    }

    @Benchmark
    public int offerThenPoll(final WithConsumer state)
    {
        state.producer.offer(state.message, 0, state.size);
        return state.consumer.poll(state, 1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void offerBatchThenPoll(final WithConsumer state, final Blackhole blackhole)
    {
        for (int i = 0; i < BATCH; i++)
        {
            state.producer.offer(state.message, 0, state.size);
        }
        blackhole.consume(state.consumer.poll(state, BATCH));
    }
}
