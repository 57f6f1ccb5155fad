package io.mmq.bridge.kafka;

import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.ConsumerProcess;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inbound Kafka bridge on its own, every piece a real process: a topic filled as an upstream service
 * would (a transactional producer, with aborted transactions of junk between the committed ones), a bridge
 * JVM copying it into a queue, a real broker; the queue is read by the test or by a consumer JVM that
 * checks every message (length, every byte, sequence). Then the bridge halted at the two points that
 * matter, and the sources and queues it must refuse. The chain with the outbound bridge and the random
 * kills are in {@link KafkaEndToEndProcessTest}.
 */
class KafkaInboundProcessTest extends KafkaProcessTests
{
    private static final int CAPACITY = 64 * 1024;
    private static final int MAX_BODY = 512; // random sizes from 0 to this
    private static final long SEED = 1213;

    private Path createQueue(final String name) throws Exception
    {
        return createQueue(name, CAPACITY);
    }

    private Child inbound(final String name, final String topic, final Path file, final String... options) throws Exception
    {
        final Object[] args = new Object[2 + options.length];
        args[0] = broker.uri(topic);
        args[1] = file;
        System.arraycopy(options, 0, args, 2, options.length);
        return start(name, BridgeProcess.class, args);
    }

    @Test
    void committedRecordsReachTheQueueOnceAndInOrderAbortedOnesNeverAndAFullQueueHoldsTheBridgeBack() throws Exception
    {
        final long count = 20_000;
        final String topic = "in";
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        final long lastOffset = TopicWriter.write(broker.bootstrapServers(), topic, SEED, MAX_BODY, count, true);
        final Path file = createQueue("in.mmq");
        try (MappedQueue queue = MappedQueue.open(file); Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            // The consumer holds the ring and reads nothing yet: the bridge must fill the ring and wait.
            final Child bridge = inbound("bridge", topic, file, "progress=200");
            final String session = bridge.awaitLine("session", 120);
            assertEquals(-1, field(session, "checkpoint"), session);
            assertEquals(0, field(session, "next-offset"), session);
            String progress = awaitProgress(bridge, line -> field(line, "backpressured") > 0, 60);
            final long applied = field(progress, "applied");
            assertTrue(applied > 0 && applied < count, progress);
            // Held, not dropping: nothing more is applied while the ring stays full, and the lag says so.
            for (int i = 0; i < 3; i++)
            {
                final String later = bridge.awaitLine("progress", 60);
                assertEquals(applied, field(later, "applied"), later);
                assertTrue(field(later, "lag") > 0, later);
            }
            assertTrue(queue.counters().producerPosition() - consumer.position() <= CAPACITY);

            // Now read: every committed record, once, in order; not one record of an aborted transaction.
            final CheckedMessages messages = new CheckedMessages(SEED, MAX_BODY);
            final long[] next = new long[1];
            final long deadline = System.nanoTime() + 120_000_000_000L;
            while (next[0] < count)
            {
                final int polled = consumer.poll((buffer, offset, length) ->
                {
                    final String wrong = messages.check(buffer, offset, length, next[0]);
                    if (null != wrong)
                    {
                        throw new AssertionError(wrong);
                    }
                    next[0]++;
                }, 256, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
                assertTrue(polled > 0 || System.nanoTime() - deadline < 0, "stuck after message " + next[0]);
            }
            assertEquals(lastOffset, queue.counters().lastCheckpoint(), "the queue's checkpoint is the last record's offset");
            awaitProgress(bridge, line -> field(line, "lag") == 0, 60);
            assertEquals(0, consumer.poll((buffer, offset, length) ->
            {
                throw new AssertionError("a message after the last record");
            }, 1));

            bridge.process().toHandle().destroy(); // SIGTERM: stops cleanly
            final String stopped = bridge.awaitLine("stopped", 60);
            assertEquals(count, field(stopped, "applied"), stopped);
            assertEquals(lastOffset, field(stopped, "offset"), stopped);
            bridge.awaitExit(30);
        }
    }

    @Test
    void aBridgeDyingJustAfterAPublishOrWithARecordFetchedButNotPublishedRepeatsAndSkipsNothing() throws Exception
    {
        final long count = 5_000;
        final int at = 1_500;
        final String topic = "crash-in";
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        TopicWriter.write(broker.bootstrapServers(), topic, SEED, MAX_BODY, count, true);
        final Path file = createQueue("crash.mmq");
        final Child reader = start("consumer", ConsumerProcess.class, file, "EARLIEST", SEED, MAX_BODY, count, "block");
        reader.awaitLine("JOINED", 60);

        // Halted just after its 1500th record's message and checkpoint went into the queue: the next life
        // must start right after that record, not repeat it.
        final Child first = inbound("bridge-after", topic, file, "crash=after-publish:" + at);
        final long published = field(first.awaitLine("crashing after-publish", 120), "offset");
        assertEquals(9, first.awaitExit(30));
        final Child second = inbound("bridge-before", topic, file, "crash=before-publish:" + at);
        final String resumed = second.awaitLine("session", 120);
        assertEquals(published, field(resumed, "checkpoint"), resumed);
        assertEquals(published + 1, field(resumed, "next-offset"), resumed);

        // Halted with a record fetched and its checkpoint attached, not published: the next life must start
        // at that record, not after it.
        final long fetched = field(second.awaitLine("crashing before-publish", 120), "offset");
        assertEquals(9, second.awaitExit(30));
        assertTrue(fetched > published, fetched + " > " + published);
        try (MappedQueue queue = MappedQueue.open(file))
        {
            assertTrue(queue.counters().lastCheckpoint() < fetched, "the unpublished record's checkpoint does not count");
        }
        final Child third = inbound("bridge", topic, file, "idle-exit=1000");
        final String clean = third.awaitLine("session", 120);
        assertTrue(field(clean, "checkpoint") < fetched && field(clean, "next-offset") <= fetched, clean);

        final String done = reader.awaitLine("DONE", 120); // it fails at once on a repeat, a gap or a bad byte
        assertEquals(count, field(done, "received"), done);
        assertEquals(0, reader.awaitExit(30));
        final String stopped = third.awaitLine("stopped", 60);
        assertEquals(count - at - (at - 1), field(stopped, "applied"), stopped);
        assertEquals(0, third.awaitExit(30));

        // A clean start at the end copies nothing again, and knows it is at the end (past the last marker).
        final Child fourth = inbound("bridge-at-end", topic, file, "idle-exit=500");
        final String atEnd = fourth.awaitLine("stopped", 60);
        assertEquals(0, field(atEnd, "applied"), atEnd);
        assertEquals(0, field(atEnd, "lag"), atEnd);
        assertEquals(0, fourth.awaitExit(30));
    }

    @Test
    void aSourceOrQueueTheBridgeCannotUseIsOneLineAndExitCodeTwoAndTheQueueIsUntouched() throws Exception
    {
        final Path file = createQueue("bad.mmq");
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            producer.offer(new UnsafeBuffer(new byte[8]), 0, 8); // a queue with something in it
        }
        final byte[] before = Files.readAllBytes(file);
        TopicWriter.createTopic(broker.bootstrapServers(), "ok", 1);

        assertRefused(broker.uri("missing"), file, "mmq: topic missing does not exist at " + broker.bootstrapServers());
        TopicWriter.createTopic(broker.bootstrapServers(), "three", 3);
        assertRefused(broker.uri("three"), file,
            "mmq: topic three has 3 partitions: the bridge keeps the queue's order only in a topic of one partition");
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            closedPort = socket.getLocalPort();
        }
        assertRefused("kafka://127.0.0.1:" + closedPort + "/t", file,
            "mmq: cannot reach Kafka at 127.0.0.1:" + closedPort + " within 2 s (is a broker there?)", "timeout=2000");
        assertRefused("kafka://127.0.0.1/t", file,
            "mmq: not a Kafka URI (kafka://HOST:PORT/TOPIC): kafka://127.0.0.1/t: each server is HOST:PORT: '127.0.0.1'");
        final Path missing = directory.resolve("missing.mmq");
        assertRefused(broker.uri("ok"), missing, "mmq: " + missing + ": no queue file there");
        assertTrue(Files.notExists(missing), "no queue is created");
        assertArrayEquals(before, Files.readAllBytes(file), "the queue file is byte for byte as it was");

        // A queue of format 5 cannot keep a checkpoint: refused before anything is written.
        final Path old = createQueue("v5.mmq");
        try (RandomAccessFile raw = new RandomAccessFile(old.toFile(), "rw"))
        {
            raw.seek(8); // the format version, little-endian
            raw.write(new byte[] {5, 0, 0, 0});
        }
        final byte[] oldBefore = Files.readAllBytes(old);
        assertRefused(broker.uri("ok"), old, "mmq: " + old + ": this queue file is format version 5, and the inbound " +
            "bridge keeps its place in the queue's checkpoint, which needs version 6; create the queue anew");
        assertArrayEquals(oldBefore, Files.readAllBytes(old), "the old queue file is byte for byte as it was");

        // Another process is the queue's producer (paused before its first message): the bridge would be a
        // second one. (Another process, because reading the file here would drop this JVM's record lock.)
        final Child holder = start("holder", io.mmq.mmap.process.ProducerProcess.class, file, SEED, MAX_BODY, 1, 0);
        holder.awaitLine("PAUSED", 60);
        final byte[] held = Files.readAllBytes(file);
        assertRefused(broker.uri("ok"), file, "mmq: " + file + ": another producer holds this queue (last producer pid " +
            holder.process().pid() + "); a queue has one producer at a time");
        assertArrayEquals(held, Files.readAllBytes(file), "the queue file is byte for byte as it was");
    }

    @Test
    void aQueueAheadOfItsTopicOrARecordTooLargeForTheQueueStopsTheBridgeWithoutSkipping() throws Exception
    {
        final String topic = "short";
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        final Path file = createQueue("ahead.mmq");
        send(topic, new byte[10], new byte[MAX_MESSAGE + 1], new byte[10]);

        // The record at offset 1 does not fit: the bridge copies offset 0 and stops before offset 1, saying so.
        Child child = inbound("too-large", topic, file, "kafka-log=off");
        assertEquals(2, child.awaitExit(60), child.output() + child.errors());
        assertEquals(List.of("mmq: the record at offset 1 of topic short is " + (MAX_MESSAGE + 1) + " bytes, larger than " +
            "the queue's largest message (" + MAX_MESSAGE + " bytes): the bridge stops before it; every record before it is " +
            "in the queue"), errorLines(child));
        try (MappedQueue queue = MappedQueue.open(file))
        {
            assertEquals(0, queue.counters().lastCheckpoint(), "offset 0 is in the queue, and nothing after it");
        }

        // A queue whose checkpoint is past the topic's end was filled from another topic (or this one before it
        // was recreated): refused, not resumed at some unrelated offset.
        final Path ahead = createQueue("ahead2.mmq");
        final long position;
        try (MappedQueue queue = MappedQueue.open(ahead); Producer producer = queue.producer())
        {
            producer.attachCheckpoint(1000);
            position = producer.offer(new UnsafeBuffer(new byte[8]), 0, 8);
        }
        child = inbound("ahead", topic, ahead, "kafka-log=off");
        assertEquals(2, child.awaitExit(60), child.output() + child.errors());
        assertEquals(List.of("mmq: the queue's checkpoint says offset 1000 of topic short was copied, but the topic ends at " +
            "offset 3: this is not the topic the queue was filled from (was it deleted and created again?)"), errorLines(child));
        try (MappedQueue queue = MappedQueue.open(ahead))
        {
            assertEquals(1000, queue.counters().lastCheckpoint());
            assertEquals(position, queue.counters().producerPosition(), "nothing published");
        }
    }

    @Test
    void aTopicDeletedAndCreatedAgainIsRefusedEvenOnceItHasPassedTheCheckpoint() throws Exception
    {
        final String topic = "reborn";
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        send(topic, tenByteRecords(3));
        final Path file = createQueue("reborn.mmq");
        final Child first = inbound("first", topic, file, "kafka-log=off", "idle-exit=1000");
        assertEquals(0, first.awaitExit(60), first.output() + first.errors());
        try (MappedQueue queue = MappedQueue.open(file))
        {
            assertEquals(2, queue.counters().lastCheckpoint(), "offsets 0 to 2 are in the queue");
        }

        // The same name, another topic: its offsets 3 and on exist, but say nothing about this queue.
        try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", broker.bootstrapServers())))
        {
            admin.deleteTopics(List.of(topic)).all().get();
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (true)
            {
                try
                {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short)1))).all().get();
                    break;
                }
                catch (final java.util.concurrent.ExecutionException stillDeleting)
                {
                    assertTrue(System.nanoTime() < deadline, "the topic was created again: " + stillDeleting);
                    Thread.sleep(100);
                }
            }
        }
        send(topic, tenByteRecords(10));
        final long position;
        try (MappedQueue queue = MappedQueue.open(file))
        {
            position = queue.counters().producerPosition();
        }
        final Child second = inbound("second", topic, file, "kafka-log=off", "idle-exit=1000");
        assertEquals(2, second.awaitExit(60), second.output() + second.errors());
        final List<String> errors = errorLines(second);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("mmq: the queue's checkpoint (offset 2) was kept with another topic than " +
            "reborn (source "), errors.get(0));
        try (MappedQueue queue = MappedQueue.open(file))
        {
            assertEquals(2, queue.counters().lastCheckpoint());
            assertEquals(position, queue.counters().producerPosition(), "nothing published");
        }
    }

    /** Sends each of {@code values} as a record of its own to partition 0 of {@code topic}, one after another. */
    private static void send(final String topic, final byte[]... values) throws Exception
    {
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer()))
        {
            for (final byte[] value : values)
            {
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
            }
        }
    }

    private static byte[][] tenByteRecords(final int count)
    {
        return new byte[count][10];
    }

    private void assertRefused(final String uri, final Path file, final String expected, final String... options)
        throws Exception
    {
        final Object[] args = new Object[3 + options.length];
        args[0] = uri;
        args[1] = file;
        args[2] = "kafka-log=off";
        System.arraycopy(options, 0, args, 3, options.length);
        final Child child = start("refused", BridgeProcess.class, args);
        assertEquals(2, child.awaitExit(60), uri + ": " + child.output() + child.errors());
        assertEquals(List.of(expected), errorLines(child), uri);
        assertTrue(child.output().isEmpty(), child.output().toString());
    }

    /** @return the first progress line that passes {@code test}; fails with the bridge's output after {@code seconds}. */
    private static String awaitProgress(final Child bridge, final java.util.function.Predicate<String> test, final long seconds)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() - deadline < 0)
        {
            final String line = bridge.awaitLine("progress", seconds);
            if (test.test(line))
            {
                return line;
            }
        }
        throw new AssertionError(bridge.name() + ": no such progress line within " + seconds + " s; output " +
            bridge.output() + "; stderr:\n" + bridge.errors());
    }

    private static List<String> errorLines(final Child child) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (!child.errors().endsWith("\n") && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(10); // standard error is read by a thread of its own; it ends with the line
        }
        return child.errors().lines().toList();
    }
}
