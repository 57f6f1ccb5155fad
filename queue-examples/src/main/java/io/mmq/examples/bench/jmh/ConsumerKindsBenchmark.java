package io.mmq.examples.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.ConsumerOptions;
import io.mmq.GroupOptions;
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
 * What each kind of reader costs per message, on the calling thread: a batch of 16 offers of 32 bytes,
 * then the poll that takes them, by an anonymous consumer, a named consumer that commits after each poll
 * (the default), a named consumer that commits after every message (at-least-once with the smallest
 * window), and a consumer group's only member (claims of 64 messages). The difference from the
 * anonymous consumer is the price of the guarantee.
 *
 * <p>Run: {@code ./mmq jmh ConsumerKinds} (add {@code -f 1 -wi 3 -i 5} for a shorter run).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class ConsumerKindsBenchmark implements MessageHandler
{
    static final int BATCH = 16;
    static final int SIZE = 32;

    /** Which reader takes the messages. */
    @Param({"anonymous", "named-commit-per-poll", "named-commit-per-message", "group-member"})
    String reader;

    private Path file;
    private MappedQueue queue;
    private Producer producer;
    private Consumer consumer;
    private boolean commitEachMessage;
    private UnsafeBuffer message;
    private long sum;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        file = QueueFiles.fresh("consumer-kinds");
        queue = MappedQueue.create(file, QueueOptions.defaults().withCapacity(1 << 20));
        consumer = switch (reader)
        {
            case "anonymous" -> queue.consumer(StartPosition.LATEST);
            case "named-commit-per-poll" -> queue.consumer(ConsumerOptions.named("bench"));
            case "named-commit-per-message" -> queue.consumer(
                ConsumerOptions.named("bench").withCommit(ConsumerOptions.Commit.EXPLICIT));
            case "group-member" -> queue.groupMember(GroupOptions.member("bench"));
            default -> throw new IllegalArgumentException("unknown reader " + reader);
        };
        commitEachMessage = "named-commit-per-message".equals(reader);
        producer = queue.producer();
        message = new UnsafeBuffer(ByteBuffer.allocateDirect(SIZE));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        queue.close();
        Files.deleteIfExists(file);
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        sum += buffer.getLong(offset);
        if (commitEachMessage)
        {
            consumer.commit(); // stored as soon as this handler returns
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void offerBatchThenPoll(final Blackhole blackhole)
    {
        for (int i = 0; i < BATCH; i++)
        {
            producer.offer(message, 0, SIZE);
        }
        blackhole.consume(consumer.poll(this, BATCH));
    }
}
