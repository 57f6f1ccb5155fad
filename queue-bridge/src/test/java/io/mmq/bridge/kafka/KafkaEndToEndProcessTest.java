package io.mmq.bridge.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.ConsumerProcess;
import io.mmq.mmap.process.ProducerProcess;
import org.junit.jupiter.api.Test;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12's Kafka chain, every piece a real process: a producer JVM publishes checked messages (random
 * sizes, each carrying its sequence number, every byte derived from it) into queue A; an outbound bridge JVM
 * forwards A into a topic of a real broker (its own JVM); an inbound bridge JVM copies the topic into queue
 * B; two consumer JVMs read B, each checking every message (sequence, length, every byte) and a running
 * checksum. Every message must arrive exactly once and in order at both. Then the same while both bridges
 * are killed with SIGKILL at random points, many times, and the broker is restarted once.
 *
 * <p>CI runs {@value #DEFAULT_COUNT} messages and {@value #DEFAULT_KILLS} kills;
 * {@code -Dmmq.test.kafkaMessages=1000000 -Dmmq.test.kafkaKills=30} is the full size.
 */
class KafkaEndToEndProcessTest extends KafkaProcessTests
{
    private static final long DEFAULT_COUNT = 100_000;
    private static final int DEFAULT_KILLS = 8;
    private static final long COUNT = Long.getLong("mmq.test.kafkaMessages", DEFAULT_COUNT);
    private static final int KILLS = Integer.getInteger("mmq.test.kafkaKills", DEFAULT_KILLS);
    private static final int CAPACITY = 256 * 1024;
    private static final int MAX_BODY = 512; // random sizes from 0 to this
    private static final long SEED = 1214;

    private Path createQueue(final String name) throws Exception
    {
        return createQueue(name, CAPACITY);
    }

    /** The two ends and the two bridges of one chain. */
    private final class Chain
    {
        final Path a;
        final Path b;
        final String topic;
        final List<Child> consumers = new ArrayList<>();
        Child outbound;
        Child inbound;
        Child producer;
        int lives;

        /** @param rate messages a second from the producer, 0 for as fast as the chain takes them. */
        Chain(final String name, final long rate) throws Exception
        {
            a = createQueue(name + "-a.mmq");
            b = createQueue(name + "-b.mmq");
            topic = name;
            for (int i = 0; i < 2; i++)
            {
                // Joined before anything is published, so each starts at message 0 and holds B's ring.
                final Child consumer = start("consumer-" + i, ConsumerProcess.class, b, "EARLIEST", SEED, MAX_BODY, COUNT, "block");
                consumer.awaitLine("JOINED", 60);
                consumers.add(consumer);
            }
            startOutbound(); // creates the topic, which the inbound side requires
            startInbound();
            producer = rate > 0 ?
                start("producer", io.mmq.bridge.aeron.ReportingProducerProcess.class, a, SEED, MAX_BODY, 0, COUNT, rate) :
                start("producer", ProducerProcess.class, a, SEED, MAX_BODY, COUNT, -1);
        }

        void startOutbound() throws Exception
        {
            outbound = start("outbound-" + lives++, BridgeProcess.class, a, broker.uri(topic));
            outbound.awaitLine("session", 120);
        }

        void startInbound() throws Exception
        {
            inbound = start("inbound-" + lives++, BridgeProcess.class, broker.uri(topic), b);
            inbound.awaitLine("session", 120);
        }

        boolean delivered()
        {
            return consumers.stream().allMatch(consumer -> consumer.output().stream().anyMatch(line -> line.startsWith("DONE")));
        }

        /** Every message at both consumers, once, in order (each fails at once otherwise), and the same checksum. */
        void awaitDelivered(final long seconds) throws Exception
        {
            final String published = producer.awaitLine("DONE", seconds);
            assertTrue(published.contains("published=" + COUNT), published);
            for (final Child consumer : consumers)
            {
                final String done = consumer.awaitLine("DONE", seconds);
                assertEquals(0, field(done, "first"), done);
                assertEquals(COUNT, field(done, "received"), done);
                assertEquals(field(published, "crc"), field(done, "crc"), consumer.name() + ": " + done);
                assertEquals(0, consumer.awaitExit(30));
            }
            assertEquals(0, producer.awaitExit(30));
        }

        /** Stops both bridges with SIGTERM; B's checkpoint must be the topic's last record. */
        void stop() throws Exception
        {
            for (final Child bridge : List.of(outbound, inbound))
            {
                bridge.process().toHandle().destroy();
                bridge.awaitLine("stopped", 60);
                bridge.awaitExit(30);
            }
            final java.util.Properties client = new java.util.Properties();
            client.put("bootstrap.servers", broker.bootstrapServers());
            final TopicTail tail = TopicTail.read(client, topic, java.time.Duration.ofSeconds(30));
            try (MappedQueue queue = MappedQueue.open(b))
            {
                assertEquals(tail.offset(), queue.counters().lastCheckpoint(), "B's checkpoint is the topic's last record");
            }
        }
    }

    @Test
    void everyMessageGoesFromQueueAThroughKafkaToBothConsumersOfQueueBExactlyOnceAndInOrder() throws Exception
    {
        final long began = System.nanoTime();
        final Chain chain = new Chain("chain", 0);
        chain.awaitDelivered(300);
        assertStatus(chain.a, "bridge:chain", "running", "forwarded=");
        assertStatus(chain.b, "kafka-in:chain", "running", "applied=");
        chain.stop();
        assertStatus(chain.a, "bridge:chain", "stopped", "forwarded=" + COUNT + " ");
        assertStatus(chain.b, "kafka-in:chain", "stopped", "applied=" + COUNT + " ");
        System.out.printf("kafka chain: %,d messages A -> Kafka -> B in %.1f s%n", COUNT, (System.nanoTime() - began) / 1e9);
    }

    @Test
    void bothBridgesKilledAtRandomPointsAndTheBrokerRestartedLoseAndRepeatNothing() throws Exception
    {
        final long began = System.nanoTime();
        final Random random = new Random(SEED);
        // Paced so that the stream lasts about 8 s per kill: every kill lands mid-stream (checked at each).
        final Chain chain = new Chain("chaos", Math.max(1_000, COUNT / (8L * KILLS)));
        final int brokerRestartAt = KILLS / 2;
        int outboundKills = 0;
        int inboundKills = 0;
        for (int kill = 0; kill < KILLS; kill++)
        {
            if (kill == brokerRestartAt)
            {
                // Take the broker away under both running bridges and bring it back; the chain must flow again.
                final long before = field(chain.inbound.awaitLine("progress", 60), "applied");
                broker.stop();
                broker.start();
                long after;
                do
                {
                    after = field(chain.inbound.awaitLine("progress", 120), "applied");
                }
                while (after <= before && !chain.delivered());
            }
            Thread.sleep(200 + random.nextInt(1300)); // a random point of their lives
            assertTrue(!chain.delivered(), "kill " + (kill + 1) + " of " + KILLS + " came after every message was " +
                "delivered: it would test nothing (fewer kills, or more messages with -Dmmq.test.kafkaMessages)");
            final int victim = random.nextInt(3); // 0: outbound, 1: inbound, 2: both
            if (victim != 1)
            {
                sigkill(chain.outbound);
                outboundKills++;
            }
            if (victim != 0)
            {
                sigkill(chain.inbound);
                inboundKills++;
            }
            if (victim != 1)
            {
                chain.startOutbound();
            }
            if (victim != 0)
            {
                chain.startInbound();
            }
        }
        chain.awaitDelivered(600);
        chain.stop();
        System.out.printf("kafka chaos: %,d messages, %d outbound and %d inbound kills, 1 broker restart, in %.1f s%n",
            COUNT, outboundKills, inboundKills, (System.nanoTime() - began) / 1e9);
    }

    /** What {@code mmq stat} shows of a bridge: its status file beside its queue. */
    private static void assertStatus(final Path queue, final String name, final String state, final String counters)
    {
        final List<io.mmq.bridge.BridgeStatus.Snapshot> bridges = io.mmq.bridge.BridgeStatus.readAll(queue);
        assertEquals(1, bridges.size(), queue + ": " + bridges);
        final io.mmq.bridge.BridgeStatus.Snapshot bridge = bridges.get(0);
        assertEquals(name, bridge.name(), bridge.toString());
        assertEquals(state, bridge.liveState(), bridge.toString());
        assertTrue(bridge.counters().contains(counters), bridge.toString());
    }

    private static void sigkill(final Child child) throws InterruptedException
    {
        // Through the handle: Process.destroyForcibly would also close our end of its output.
        for (final String line : child.output())
        {
            assertTrue(!line.startsWith("stopped"), child.name() + " stopped by itself: " + line);
        }
        child.process().toHandle().destroyForcibly();
        child.awaitExit(30);
    }
}
