package io.mmq.bridge.kafka;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import io.mmq.Producer;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.QueueCounters;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.ProducerProcess;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
