package io.mmq.examples.bench.jmh;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
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
 * Agrona's {@link OneToOneRingBuffer} over a 1 MiB mapped file, measured like
 * {@link MmqHotPathBenchmark#offerThenPoll} and {@link MmqHotPathBenchmark#offerBatchThenPoll}: a write
 * then the read that takes it, on one thread. Agrona's ring needs its reader to make room, so there is
 * no writer-alone case.
 *
 * <p>Run: {@code ./mmq jmh AgronaRing}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class AgronaRingBenchmark implements MessageHandler
{
    private static final int CAPACITY = 1 << 20;

    @Param({"32", "256", "1024"})
    int size;

    private Path file;
    private OneToOneRingBuffer ring;
    private UnsafeBuffer message;
    private long sum;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        file = QueueFiles.fresh("agrona-ring");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE))
        {
            final MappedByteBuffer mapped =
                channel.map(FileChannel.MapMode.READ_WRITE, 0, CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
            ring = new OneToOneRingBuffer(new UnsafeBuffer(mapped));
        }
        message = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(size));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        Files.deleteIfExists(file);
    }

    @Override
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        sum += buffer.getLong(index);
    }

    @Benchmark
    public int writeThenRead()
    {
        ring.write(1, message, 0, size);
        return ring.read(this, 1);
    }

    @Benchmark
    @OperationsPerInvocation(MmqHotPathBenchmark.BATCH)
    public void writeBatchThenRead(final Blackhole blackhole)
    {
        for (int i = 0; i < MmqHotPathBenchmark.BATCH; i++)
        {
            ring.write(1, message, 0, size);
        }
        blackhole.consume(ring.read(this, MmqHotPathBenchmark.BATCH));
    }
}
