package io.mmq.bridge.kafka;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.mmq.ConsumerOptions;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.QueueCounters;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.ProducerProcess;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbound Kafka bridge end to end, every piece a real process: a producer JVM publishes checked
 * messages into a queue, a bridge JVM forwards them, a real Kafka broker (its own JVM) keeps them, and a
 * plain Kafka consumer here reads the topic and checks every record: exactly once, in order. Then the same
 * while the bridge is killed with SIGKILL at random points and the broker is restarted under it.
 *
 * <p>{@code -Dmmq.test.kafkaMessages=1000000} for the million (the default keeps the run short).
 */
class KafkaOutboundProcessTest extends KafkaProcessTests
{
    private static final long COUNT = Long.getLong("mmq.test.kafkaMessages", 200_000);
    private static final int KILLS = Integer.getInteger("mmq.test.kafkaKills", 5);
    private static final int CAPACITY = 256 * 1024;
    private static final int MAX_BODY = 512; // random sizes from 0 to this
    private static final long SEED = 1212;

    private Path createQueue(final String name) throws Exception
    {
        return createQueue(name, CAPACITY);
    }

    private Child bridge(final String name, final Path file, final String topic, final String... options) throws Exception
    {
        final Object[] args = new Object[2 + options.length];
        args[0] = file;
        args[1] = broker.uri(topic);
        System.arraycopy(options, 0, args, 2, options.length);
        return start(name, BridgeProcess.class, args);
    }

    private static void sigkill(final Child child) throws InterruptedException
    {
        // Through the handle: Process.destroyForcibly would also close our end of its output.
        child.process().toHandle().destroyForcibly();
        child.awaitExit(30);
    }

    private static void sigterm(final Child child)
    {
        // Through the handle, which leaves our end of its output open (Process.destroy closes it).
        child.process().toHandle().destroy();
    }

    @Test
    void everyMessageOfTheQueueReachesTheTopicExactlyOnceAndInOrder() throws Exception
    {
        final long began = System.nanoTime();
        final Path file = createQueue("e2e.mmq");
        final String topic = "e2e";
        final Child bridge = bridge("bridge", file, topic);
        final String session = bridge.awaitLine("session", 120);
        assertEquals(-1, field(session, "topic-position"), session);
        final Child producer = start("producer", ProducerProcess.class, file, SEED, MAX_BODY, COUNT, -1);

        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topic, SEED, MAX_BODY,
            OutboundOptions.defaultQueueId(file)))
        {
            reader.readUntil(COUNT, 90);
            assertTrue(producer.awaitLine("DONE", 60).contains("published=" + COUNT));
            assertEquals(0, producer.awaitExit(30));

            sigterm(bridge); // commits what it sent, then ends
            final String stopped = bridge.awaitLine("stopped", 60);
            assertEquals(COUNT, field(stopped, "forwarded"), stopped);
            assertEquals(0, field(stopped, "skipped"), stopped);
            bridge.awaitExit(30);

            reader.readToEnd();
            assertEquals(COUNT, reader.received(), "records in the topic");
            // Record format 3: the position and the queue's identity on each transaction's last record (checked by
            // the reader), no header on any other.
            assertTrue(reader.transactionEnds() > 0, "transactions read");
            assertEquals(0, reader.identifiedInside(), "records inside a transaction carrying the queue's identity");
            assertEquals(0, reader.positionedInside(), "records inside a transaction carrying a position");
            try (MappedQueue queue = MappedQueue.open(file))
            {
                final QueueCounters counters = queue.counters();
                assertEquals("bridge:" + topic, counters.consumerName(0));
                assertEquals(counters.producerPosition(), counters.consumerPosition(0),
                    "the bridge's committed position is the producer's: everything is in Kafka");
                assertEquals(reader.lastPosition(), counters.producerPosition(), "the last record's position header");
            }
        }
        System.out.printf("kafka e2e: %,d messages in %.1f s%n", COUNT, (System.nanoTime() - began) / 1e9);
    }

    private static boolean producerDone(final Child producer)
    {
        return producer.output().stream().anyMatch(line -> line.startsWith("DONE"));
    }

    @Test
    void aBridgeKilledAtRandomPointsAndABrokerRestartedLoseAndRepeatNothing() throws Exception
    {
        final long began = System.nanoTime();
        final Random random = new Random(SEED);
        final Path file = createQueue("faults.mmq");
        final String topic = "faults";
        Child bridge = bridge("bridge-0", file, topic);
        bridge.awaitLine("session", 120);
        final Child producer = start("producer", ProducerProcess.class, file, SEED, MAX_BODY, COUNT, -1);

        final int brokerRestartAt = KILLS / 2;
        boolean brokerRestarted = false;
        long skipped = 0;
        for (int life = 0; life < KILLS; life++)
        {
            if (life == brokerRestartAt)
            {
                // Let records flow, then take the broker away under the running bridge and bring it back:
                // the bridge rides it out (its producer retries) or starts a new session; either way it
                // forwards again on the same process.
                final long before = field(bridge.awaitLine("progress", 60), "forwarded");
                broker.stop();
                broker.start();
                long after;
                do
                {
                    after = field(bridge.awaitLine("progress", 120), "forwarded");
                }
                while (after <= before && !producerDone(producer));
                brokerRestarted = true;
            }
            Thread.sleep(300 + random.nextInt(1200)); // a random point of its life
            sigkill(bridge);
            for (final String line : bridge.output())
            {
                assertTrue(!line.startsWith("stopped"), bridge.name() + " stopped by itself: " + line);
            }
            bridge = bridge("bridge-" + (life + 1), file, topic);
            final String session = bridge.awaitLine("session", 120);
            // The named consumer's committed position never runs ahead of what is in the topic.
            assertTrue(field(session, "consumer-position") <= field(session, "topic-position") ||
                field(session, "topic-position") < 0 && field(session, "consumer-position") == 0, session);
        }
        assertTrue(producer.awaitLine("DONE", 300).contains("published=" + COUNT));
        assertEquals(0, producer.awaitExit(30));

        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topic, SEED, MAX_BODY,
            OutboundOptions.defaultQueueId(file)))
        {
            reader.readUntil(COUNT, 90);
            sigterm(bridge);
            final String stopped = bridge.awaitLine("stopped", 60);
            skipped = field(stopped, "skipped");
            bridge.awaitExit(30);
            reader.readToEnd();
            assertEquals(COUNT, reader.received(), "records in the topic");
            try (MappedQueue queue = MappedQueue.open(file))
            {
                assertEquals(queue.counters().producerPosition(), queue.counters().consumerPosition(0));
            }
        }
        assertTrue(brokerRestarted);
        System.out.printf("kafka faults: %,d messages, %d bridge kills, 1 broker restart, in %.1f s (last life skipped %d)%n",
            COUNT, KILLS, (System.nanoTime() - began) / 1e9, skipped);
    }

    @Test
    void aBridgeDyingJustAfterOrJustBeforeKafkasCommitRepeatsAndLosesNothing() throws Exception
    {
        final long count = 20_000;
        final Path file = createQueue("crash.mmq");
        final String topic = "crash";
        final Child first = bridge("bridge-after", file, topic, "crash=after-kafka-commit:3");
        first.awaitLine("session", 120);
        final Child producer = start("producer", ProducerProcess.class, file, SEED, MAX_BODY, count, -1);
        first.awaitLine("crashing after-kafka-commit", 120);
        assertEquals(9, first.awaitExit(30));

        // Kafka has the third transaction, the queue's named consumer does not: this life must skip it.
        final Child second = bridge("bridge-before", file, topic, "crash=before-kafka-commit:2");
        final String resumed = second.awaitLine("session", 120);
        assertTrue(field(resumed, "topic-position") > field(resumed, "consumer-position"), resumed);
        second.awaitLine("crashing before-kafka-commit", 120);
        assertEquals(9, second.awaitExit(30));

        // Its second transaction is in the log, flushed and never committed: this life's initTransactions
        // aborted it, so the topic ends where the consumer's committed position is, and it is sent again.
        final Child third = bridge("bridge", file, topic);
        final String clean = third.awaitLine("session", 120);
        assertEquals(field(clean, "consumer-position"), field(clean, "topic-position"), clean);

        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topic, SEED, MAX_BODY,
            OutboundOptions.defaultQueueId(file)))
        {
            reader.readUntil(count, 90);
            assertTrue(producer.awaitLine("DONE", 60).contains("published=" + count));
            sigterm(third);
            assertEquals(0, field(third.awaitLine("stopped", 60), "skipped"));
            third.awaitExit(30);
            reader.readToEnd();
            assertEquals(count, reader.received(), "records in the topic");
        }
    }

    @Test
    void aTargetTheBridgeCannotUseIsOneLineAndExitCodeTwoAndTheQueueIsUntouched() throws Exception
    {
        final Path file = createQueue("bad.mmq");
        final byte[] before = Files.readAllBytes(file);

        assertRefused(file, broker.uri("missing"),
            "mmq: topic missing does not exist at " + broker.bootstrapServers() + " and the bridge was told not to create it",
            "create=false");

        try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", broker.bootstrapServers())))
        {
            admin.createTopics(List.of(new NewTopic("three", 3, (short)1))).all().get();
        }
        assertRefused(file, broker.uri("three"),
            "mmq: topic three has 3 partitions: the bridge keeps the queue's order only in a topic of one partition");

        // A topic another queue feeds.
        final Path other = createQueue("other.mmq");
        try (MappedQueue queue = MappedQueue.open(other); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
            for (int i = 0; i < 3; i++)
            {
                producer.offer(message, 0, 8);
            }
        }
        final Child feeder = bridge("feeder", other, "fed", "idle-exit=300");
        assertEquals(3, field(feeder.awaitLine("stopped", 120), "forwarded"));
        feeder.awaitExit(30);
        assertRefused(file, broker.uri("fed"), "mmq: topic fed is fed by the bridge of another queue ('" +
            OutboundOptions.defaultQueueId(other) + "', not '" + OutboundOptions.defaultQueueId(file) + "'): one topic, one source queue");

        // A topic another writer fills: its last record has no bridge headers. Refused from that record alone
        // (TopicTailTest shows nothing before it is read).
        TopicWriter.createTopic(broker.bootstrapServers(), "plain", 1);
        final long plainLast = TopicWriter.write(broker.bootstrapServers(), "plain", SEED, MAX_BODY, 2_000, false);
        BridgeRecords.awaitStable(broker.bootstrapServers(), "plain");
        assertRefused(file, broker.uri("plain"), "mmq: the last record of topic plain (offset " + plainLast + ") was not " +
            "written by an mmq bridge (no mmq.position header): the bridge writes only into a topic it alone writes");

        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            closedPort = socket.getLocalPort();
        }
        assertRefused(file, "kafka://127.0.0.1:" + closedPort + "/t",
            "mmq: cannot reach Kafka at 127.0.0.1:" + closedPort + " within 2 s (is a broker there?)", "timeout=2000");
        assertRefused(file, "kafka://127.0.0.1/t",
            "mmq: not a Kafka URI (kafka://HOST:PORT/TOPIC): kafka://127.0.0.1/t: each server is HOST:PORT: '127.0.0.1'");

        assertArrayEquals(before, Files.readAllBytes(file), "the queue file is byte for byte as it was");
    }

    private void assertRefused(final Path file, final String uri, final String expected, final String... options)
        throws Exception
    {
        final Object[] args = new Object[3 + options.length];
        args[0] = file;
        args[1] = uri;
        args[2] = "kafka-log=off";
        System.arraycopy(options, 0, args, 3, options.length);
        final Child child = start("refused", BridgeProcess.class, args);
        assertEquals(2, child.awaitExit(60), uri + ": " + child.output() + child.errors());
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (!child.errors().endsWith("\n") && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(10); // standard error is read by a thread of its own; it ends with the line
        }
        final List<String> lines = child.errors().lines().toList();
        assertEquals(List.of(expected), lines, uri);
        assertTrue(child.output().isEmpty(), child.output().toString());
    }

    @Test
    void aTopicWhoseLastTransactionLostItsFirstRecordsToRetentionIsResumedAfterItsLastRecord() throws Exception
    {
        // The worst case for the queue's identity once a transaction: the bridge dies between Kafka's commit of a
        // transaction and the queue's (so the topic is ahead of the committed position, and going on from that
        // position would repeat the transaction), and retention then removes the first half of that transaction.
        final String topic = "retention";
        createTopicOfOnePartition(topic);
        final Path file = createQueue("retention.mmq");
        final CheckedMessages messages = new CheckedMessages(SEED, MAX_BODY);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            publish(producer, messages, 0, 400);
        }
        final Child first = bridge("bridge-after", file, topic, "batch=100", "crash=after-kafka-commit:4");
        first.awaitLine("crashing after-kafka-commit", 120);
        assertEquals(9, first.awaitExit(30));

        BridgeRecords.awaitStable(broker.bootstrapServers(), topic);
        final List<Long> offsets = committedOffsets(topic); // record i is message i
        int lastTransaction = offsets.size() - 1; // the first record of the last transaction: consecutive offsets
        while (lastTransaction > 0 && offsets.get(lastTransaction - 1) == offsets.get(lastTransaction) - 1)
        {
            lastTransaction--;
        }
        final int inLast = offsets.size() - lastTransaction;
        assertTrue(inLast >= 2, "the last transaction holds " + inLast + " records");
        final int firstKept = lastTransaction + inLast / 2;
        final org.apache.kafka.common.TopicPartition partition = new org.apache.kafka.common.TopicPartition(topic, 0);
        try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", broker.bootstrapServers())))
        {
            final long begin = admin.deleteRecords(java.util.Map.of(partition,
                    org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(offsets.get(firstKept))))
                .lowWatermarks().get(partition).get(30, TimeUnit.SECONDS).lowWatermark();
            assertEquals((long)offsets.get(firstKept), begin, "the topic now begins inside its last transaction");
        }

        final long end;
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            end = publish(producer, messages, 400, 200);
        }
        final Child second = bridge("bridge", file, topic, "batch=100", "idle-exit=1000");
        final String session = second.awaitLine("session", 120);
        assertTrue(field(session, "topic-position") > field(session, "consumer-position"), session);
        assertEquals((long)offsets.get(offsets.size() - 1), field(session, "last-offset"), session);
        final String stopped = second.awaitLine("stopped", 120);
        assertEquals(inLast, field(stopped, "skipped"), "the last transaction's messages, all still in the topic: " + stopped);
        assertEquals(600 - offsets.size(), field(stopped, "forwarded"), stopped);
        assertEquals(0, second.awaitExit(30));

        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topic, SEED, MAX_BODY,
            OutboundOptions.defaultQueueId(file), firstKept))
        {
            reader.readToEnd();
            assertEquals(600 - firstKept, reader.received(), "messages " + firstKept + " to 599, each once, in order");
            assertEquals(end, reader.lastPosition(), "the last record's position header");
        }
    }

    /** Format 1: the identity and the position on every record; format 2: the position on every record. */
    @ParameterizedTest(name = "record format {0}")
    @ValueSource(ints = {1, 2})
    void aTopicAnOlderBridgeWroteIsResumedWhereItEndsAndBothFormatsReachTheInboundQueue(final int format) throws Exception
    {
        // An older bridge forwarded 200 messages and died between Kafka's commit of its last transaction and the
        // queue's; this bridge goes on after the topic's end, and the inbound bridge copies the topic of both
        // formats into another queue.
        final String topic = "older-" + format;
        createTopicOfOnePartition(topic);
        final Path file = createQueue("older-" + format + ".mmq", 1 << 20);
        final CheckedMessages messages = new CheckedMessages(SEED, MAX_BODY);
        final long olderCommitted;
        final long olderEnd;
        final long end;
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            olderCommitted = publish(producer, messages, 0, 150);
            olderEnd = publish(producer, messages, 150, 50);
            end = publish(producer, messages, 200, 300);
        }
        OlderBridge.forward(file, broker.bootstrapServers(), topic, 200, 50, 150, format);

        final Child bridge = bridge("bridge", file, topic, "idle-exit=1000");
        final String session = bridge.awaitLine("session", 120);
        assertEquals(olderEnd, field(session, "topic-position"), session);
        assertEquals(olderCommitted, field(session, "consumer-position"), session);
        final String stopped = bridge.awaitLine("stopped", 120);
        assertEquals(50, field(stopped, "skipped"), stopped);
        assertEquals(300, field(stopped, "forwarded"), stopped);
        assertEquals(0, bridge.awaitExit(30));

        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topic, SEED, MAX_BODY,
            OutboundOptions.defaultQueueId(file)))
        {
            reader.readToEnd();
            assertEquals(500, reader.received(), "records in the topic");
            assertEquals(end, reader.lastPosition(), "the last record's position header");
            assertEquals(1 == format ? 4 * 49 : 0, reader.identifiedInside(), "format 1's records carry the identity, " +
                "the others' only at each transaction's end");
            assertEquals(4 * 49, reader.positionedInside(), "the older bridge's records carry the position, the new " +
                "ones' only at each transaction's end");
        }

        final Path copy = createQueue("older-copy-" + format + ".mmq", 1 << 20);
        final Child inbound = start("inbound", BridgeProcess.class, broker.uri(topic), copy, "idle-exit=1000");
        assertEquals(500, field(inbound.awaitLine("stopped", 120), "applied"));
        assertEquals(0, inbound.awaitExit(30));
        try (MappedQueue queue = MappedQueue.open(copy))
        {
            final List<byte[]> copied = readToEnd(queue, queue.consumer(StartPosition.EARLIEST));
            assertEquals(500, copied.size(), "messages copied");
            for (int seq = 0; seq < copied.size(); seq++)
            {
                final UnsafeBuffer message = new UnsafeBuffer(copied.get(seq));
                assertNull(messages.check(message, 0, message.capacity(), seq), "message " + seq + " copied");
            }
        }
    }

    /** The offsets of the topic's committed records, as a read_committed reader finds them. */
    private static List<Long> committedOffsets(final String topic)
    {
        return committedRecords(topic).stream().map(org.apache.kafka.clients.consumer.ConsumerRecord::offset).toList();
    }

    /** The topic's committed records, as a read_committed reader finds them. */
    private static List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> committedRecords(final String topic)
    {
        final org.apache.kafka.common.TopicPartition partition = new org.apache.kafka.common.TopicPartition(topic, 0);
        final java.util.Map<String, Object> settings = java.util.Map.of("bootstrap.servers", broker.bootstrapServers(),
            "isolation.level", "read_committed",
            "key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName(),
            "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        final List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(settings))
        {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(partition) < end)
            {
                records.addAll(consumer.poll(java.time.Duration.ofMillis(100)).records(partition));
                assertTrue(System.nanoTime() - deadline < 0, "could not read " + topic + " to offset " + end + " within 30 s");
            }
        }
        return records;
    }

    @Test
    void aQueueCreatedAgainAtItsPathIsForwardedFromItsStartNotSkippedToTheOldQueuesPosition() throws Exception
    {
        final String topic = "recreated";
        createTopicOfOnePartition(topic);
        final Path file = createQueue("recreated.mmq");
        final CheckedMessages messages = new CheckedMessages(SEED, MAX_BODY);
        final long oldId;
        final long oldEnd;
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            oldId = queue.creationId();
            oldEnd = publish(producer, messages, 0, 100);
        }
        final Child first = bridge("first", file, topic, "idle-exit=1000");
        assertEquals(100, field(first.awaitLine("stopped", 120), "forwarded"));
        assertEquals(0, first.awaitExit(30));

        // The same path, another file: its positions start at 0 again, and pass the old one's end.
        Files.delete(file);
        createQueue("recreated.mmq");
        final long newId;
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            newId = queue.creationId();
            assertTrue(publish(producer, messages, 100, 150) > oldEnd, "the new queue is past the old one's end");
        }
        final Child second = bridge("second", file, topic, "idle-exit=1000");
        final String changed = second.awaitLine("notice source changed", 120);
        assertTrue(changed.startsWith("notice source changed from=" + String.format("%016x", oldId) + " to=" +
            String.format("%016x", newId) + " topic-position=" + oldEnd + " "), changed);
        final String stopped = second.awaitLine("stopped", 120);
        assertEquals(150, field(stopped, "forwarded"), stopped);
        assertEquals(0, field(stopped, "skipped"), stopped);
        assertEquals(0, second.awaitExit(30));

        final List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records = committedRecords(topic);
        assertEquals(250, records.size(), "both queues' messages, each once");
        for (int seq = 0; seq < records.size(); seq++)
        {
            final UnsafeBuffer value = new UnsafeBuffer(records.get(seq).value());
            assertNull(messages.check(value, 0, value.capacity(), seq), "record " + seq);
        }
        final org.apache.kafka.common.header.Header creation =
            records.get(records.size() - 1).headers().lastHeader(TopicTail.CREATION_HEADER);
        assertEquals(newId, java.nio.ByteBuffer.wrap(creation.value()).getLong(), "the last record names the new file");
    }

    // A message larger than Kafka accepts. The queue's largest message (capacity / 8 = 2 MiB) is more than the
    // broker's message.max.bytes (Kafka's default, 1 MiB); the bridge asks its producer for max.request.size =
    // 2 MiB + 64 KiB, so the record gets past the producer and the broker refuses it (MESSAGE_TOO_LARGE).

    private static final int LARGE_CAPACITY = 16 << 20;
    private static final int LARGE_MAX_MESSAGE = LARGE_CAPACITY / 8;
    private static final int TOO_LARGE = 3 << 19; // 1.5 MiB
    private static final String BROKER_REFUSAL =
        "RecordTooLargeException: The request included a message larger than the max message size the server will accept.";

    @Test
    void aMessageLargerThanKafkaAcceptsStopsTheBridgeWithOneLineAndExitCodeTwoAndStaysInTheQueueUncommitted() throws Exception
    {
        final String topic = "too-large";
        createTopicOfOnePartition(topic);
        final Path file = createQueueOfLargeMessages("too-large.mmq");
        final CheckedMessages messages = new CheckedMessages(SEED, MAX_BODY);
        final UnsafeBuffer large = tooLargeMessage();
        final int before = 50;
        final int after = 20;
        final long largeStart;
        final long end;
        final Child bridge;
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            largeStart = publish(producer, messages, 0, before);
            bridge = bridge("bridge", file, topic, "kafka-log=off");
            // The messages before it are in Kafka and committed in the queue before it comes, so that it begins a
            // transaction of its own.
            awaitCommittedPosition(queue, "bridge:" + topic, largeStart, 120);
            assertTrue(producer.offer(large, 0, TOO_LARGE, 10, TimeUnit.SECONDS) > 0);
            end = publish(producer, messages, before, after);
        }

        final String stopped = assertStoppedByTheBroker(bridge, topic);
        assertEquals(before, field(stopped, "forwarded"), stopped);
        assertEquals(largeStart, field(stopped, "position"), stopped);
        assertEquals(0, field(stopped, "restarts"), stopped);
        assertTopicHolds(topic, file, before, largeStart);

        // The first bridge's producer wrote the messages after the large one into the log, in its failed
        // transaction, and aborted it as it stopped: no reader is held at them.
        assertNothingLeftOpen(topic);

        // A bridge started again resumes exactly at the large message, and stops at it again: nothing skipped,
        // nothing sent twice. The reader below reads past the aborted records, and must still find only the
        // messages before the large one.
        final Child again = bridge("bridge-again", file, topic, "kafka-log=off");
        final String session = again.awaitLine("session", 120);
        assertEquals(largeStart, field(session, "topic-position"), session);
        assertEquals(largeStart, field(session, "consumer-position"), session);
        assertEquals(0, field(assertStoppedByTheBroker(again, topic), "forwarded"));
        assertTopicHolds(topic, file, before, largeStart);

        assertQueueKeepsEverything(file, topic, end, largeStart, before, messages, before, after, large);
    }

    @Test
    void theMessagesSentInTheTooLargeMessagesTransactionAreNotInTheTopicAndStayUncommittedWithIt() throws Exception
    {
        final String topic = "too-large-shared";
        createTopicOfOnePartition(topic);
        final Path file = createQueueOfLargeMessages("too-large-shared.mmq");
        final CheckedMessages messages = new CheckedMessages(SEED, MAX_BODY);
        final UnsafeBuffer large = tooLargeMessage();
        final int before = 50;
        final int after = 20;
        final long end;
        // All in the queue before the bridge starts: its first poll reads them all (at most 256 messages), so its
        // first transaction holds the messages before the large one, the large one, and the ones after it.
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            publish(producer, messages, 0, before);
            assertTrue(producer.offer(large, 0, TOO_LARGE, 10, TimeUnit.SECONDS) > 0);
            end = publish(producer, messages, before, after);
        }
        final Child bridge = bridge("bridge", file, topic, "kafka-log=off");
        final String session = bridge.awaitLine("session", 120);
        assertEquals(0, field(session, "consumer-position"), session);
        final String stopped = assertStoppedByTheBroker(bridge, topic);
        assertEquals(0, field(stopped, "forwarded"), stopped);
        assertEquals(0, field(stopped, "position"), stopped);
        // The first bridge's producer wrote every message of that transaction but the large one into the log; the
        // bridge aborted the transaction as it stopped, so that read_committed readers are not held at its first
        // record until the transaction times out: the last stable offset is the log's end.
        assertNothingLeftOpen(topic);

        // The next bridge stops at the same place. A read_committed reader, reading past the aborted records,
        // finds nothing.
        final Child again = bridge("bridge-again", file, topic, "kafka-log=off");
        final String resumed = again.awaitLine("session", 120);
        assertEquals(-1, field(resumed, "topic-position"), resumed);
        assertEquals(0, field(resumed, "consumer-position"), resumed);
        assertEquals(0, field(assertStoppedByTheBroker(again, topic), "forwarded"));
        assertTopicHolds(topic, file, 0, -1);

        assertQueueKeepsEverything(file, topic, end, 0, 0, messages, before, after, large);
    }

    /** The topic's last stable offset (where read_committed readers must stop) is its log end. */
    private static void assertNothingLeftOpen(final String topic) throws InterruptedException
    {
        final org.apache.kafka.common.TopicPartition partition = new org.apache.kafka.common.TopicPartition(topic, 0);
        final java.util.Map<String, Object> settings = java.util.Map.of("bootstrap.servers", broker.bootstrapServers(),
            "key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName(),
            "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        final java.util.Map<String, Object> committed = new java.util.HashMap<>(settings);
        committed.put("isolation.level", "read_committed");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> all =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(settings);
             org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> stable =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(committed))
        {
            final long logEnd = all.endOffsets(List.of(partition)).get(partition);
            assertTrue(logEnd > 0, "the failed transaction's records are in the log");
            // The abort's markers are written just after the abort returns; the transaction timeout is 60 s.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long stableEnd;
            while ((stableEnd = stable.endOffsets(List.of(partition)).get(partition)) < logEnd)
            {
                assertTrue(System.nanoTime() - deadline < 0, "no transaction is left open in " + topic + ": the last " +
                    "stable offset is " + stableEnd + " 10 s after the bridge stopped, the log end " + logEnd);
                Thread.sleep(50);
            }
        }
    }

    /**
     * Creates the topic here and waits until the broker describes it, rather than leave it to the bridge (which
     * also waits for a topic it created, within its timeout): these tests are not about topic creation.
     */
    private static void createTopicOfOnePartition(final String topic) throws Exception
    {
        try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", broker.bootstrapServers())))
        {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short)1))).all().get(30, TimeUnit.SECONDS);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true)
            {
                try
                {
                    admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
                    return;
                }
                catch (final java.util.concurrent.ExecutionException ex)
                {
                    if (!(ex.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) ||
                        System.nanoTime() - deadline > 0)
                    {
                        throw ex;
                    }
                    Thread.sleep(50);
                }
            }
        }
    }

    private Path createQueueOfLargeMessages(final String name) throws Exception
    {
        final Path file = directory.resolve(name);
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(LARGE_CAPACITY).withMaxMessageLength(LARGE_MAX_MESSAGE)
            .withConsumerSlots(4)).close();
        return file;
    }

    /** {@link #TOO_LARGE} bytes that no checked message has: they start with -1, not a sequence number. */
    private static UnsafeBuffer tooLargeMessage()
    {
        final byte[] bytes = new byte[TOO_LARGE];
        new Random(SEED).nextBytes(bytes);
        final UnsafeBuffer message = new UnsafeBuffer(bytes);
        message.putLong(0, -1L);
        return message;
    }

    /** Publishes checked messages {@code [from, from + count)}; returns the position after the last. */
    private static long publish(final Producer producer, final CheckedMessages messages, final long from, final long count)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MAX_BODY]);
        long position = -1;
        for (long seq = from; seq < from + count; seq++)
        {
            final int length = messages.write(buffer, 0, seq);
            position = producer.offer(buffer, 0, length, 10, TimeUnit.SECONDS);
            assertTrue(position > 0, "message " + seq + " not published: " + position);
        }
        return position;
    }

    private static int slotOf(final QueueCounters counters, final String name)
    {
        for (int slot = 0; slot < counters.consumerSlots(); slot++)
        {
            if (name.equals(counters.consumerName(slot)))
            {
                return slot;
            }
        }
        return -1;
    }

    /** Waits until the named consumer has committed {@code position}; fails after {@code seconds}. */
    private static void awaitCommittedPosition(final MappedQueue queue, final String name, final long position,
        final long seconds) throws InterruptedException
    {
        final QueueCounters counters = queue.counters();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true)
        {
            final int slot = slotOf(counters, name);
            if (slot >= 0 && counters.consumerPosition(slot) == position)
            {
                return;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError(name + " did not commit position " + position + " within " + seconds + " s (at " +
                    (slot < 0 ? "no slot" : counters.consumerPosition(slot)) + ")");
            }
            Thread.sleep(10);
        }
    }

    /**
     * The bridge stopped by itself as it does for a failure no new session can cure: exit code 2, one line
     * on standard error naming the broker's refusal, no stack trace, no new session tried; on standard output
     * only its ordinary lines.
     *
     * @return its {@code stopped} line.
     */
    private String assertStoppedByTheBroker(final Child bridge, final String topic) throws InterruptedException
    {
        assertEquals(2, bridge.awaitExit(60), bridge.name() + ": " + bridge.output() + bridge.errors());
        assertEquals(List.of("mmq: Kafka refused the bridge into " + broker.uri(topic) + ": " + BROKER_REFUSAL),
            errorLines(bridge), bridge.name() + " on standard error");
        final List<String> output = bridge.output();
        assertTrue(output.get(0).startsWith("started "), output.toString());
        assertEquals(1, output.stream().filter(line -> line.startsWith("session ")).count(), output.toString());
        for (final String line : output.subList(1, output.size() - 1))
        {
            // One session, and no restart, notice or anything else.
            assertTrue(line.startsWith("session ") || line.startsWith("progress "), bridge.name() + ": " + line);
        }
        final String stopped = output.get(output.size() - 1);
        assertTrue(stopped.startsWith("stopped "), output.toString());
        return stopped;
    }

    /**
     * A read_committed reader of the topic finds exactly checked messages {@code [0, count)}, once each and in
     * order, the last one carrying {@code lastPosition} (-1: no record at all).
     */
    private void assertTopicHolds(final String topic, final Path file, final long count, final long lastPosition)
        throws Exception
    {
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topic, SEED, MAX_BODY,
            OutboundOptions.defaultQueueId(file)))
        {
            reader.readToEnd();
            assertEquals(count, reader.received(), "records in the topic");
            assertEquals(lastPosition, reader.lastPosition(), "the last record's position header");
        }
    }

    /**
     * The queue after the bridge stopped, as the next bridge finds it: the producer is still at {@code end};
     * every message published is there and intact (read from the earliest position: checked messages
     * {@code [0, before)}, the large one, checked messages {@code [before, before + after)}); and the bridge's
     * named consumer has committed {@code committed} and no further, so that it reads again from message
     * {@code firstUncommitted} of those on.
     */
    private static void assertQueueKeepsEverything(final Path file, final String topic, final long end, final long committed,
        final int firstUncommitted, final CheckedMessages messages, final int before, final int after, final UnsafeBuffer large)
        throws Exception
    {
        try (MappedQueue queue = MappedQueue.open(file))
        {
            final QueueCounters counters = queue.counters();
            assertEquals(end, counters.producerPosition(), "the producer's position");
            final int slot = slotOf(counters, "bridge:" + topic);
            assertTrue(slot >= 0, "the bridge's consumer keeps its name in the queue");
            assertEquals(committed, counters.consumerPosition(slot), "the bridge's committed position");
            assertEquals("DORMANT", counters.consumerState(slot), "the bridge's consumer, nobody holding it");

            final List<byte[]> all = readToEnd(queue, queue.consumer(StartPosition.EARLIEST));
            assertEquals(before + 1 + after, all.size(), "messages in the queue");
            for (int i = 0; i < all.size(); i++)
            {
                if (i == before)
                {
                    assertArrayEquals(large.byteArray(), all.get(i), "the large message");
                    continue;
                }
                final long seq = i < before ? i : i - 1;
                final UnsafeBuffer message = new UnsafeBuffer(all.get(i));
                assertNull(messages.check(message, 0, message.capacity(), seq), "message " + seq + " in the queue");
            }

            final List<byte[]> next = readToEnd(queue, queue.consumer(ConsumerOptions.named("bridge:" + topic)
                .withCommit(ConsumerOptions.Commit.EXPLICIT)));
            assertEquals(all.size() - firstUncommitted, next.size(), "messages the bridge's consumer reads again");
            for (int i = 0; i < next.size(); i++)
            {
                assertArrayEquals(all.get(firstUncommitted + i), next.get(i), "message " + (firstUncommitted + i) +
                    " as the bridge's consumer reads it again");
            }
        }
    }

    /** Every message {@code consumer} reads up to the producer's position, copied; then closes it. */
    private static List<byte[]> readToEnd(final MappedQueue queue, final io.mmq.Consumer consumer)
    {
        final List<byte[]> read = new ArrayList<>();
        try (consumer)
        {
            final long end = queue.counters().producerPosition();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (consumer.position() < end)
            {
                consumer.poll((buffer, offset, length) ->
                {
                    final byte[] message = new byte[length];
                    buffer.getBytes(offset, message);
                    read.add(message);
                }, 256);
                assertTrue(System.nanoTime() - deadline < 0, "could not read to position " + end + " within 10 s");
            }
        }
        return read;
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
