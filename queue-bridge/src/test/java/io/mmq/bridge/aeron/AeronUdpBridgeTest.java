package io.mmq.bridge.aeron;

import java.net.DatagramSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.aeron.CncFileDescriptor;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.mmq.QueueOptions;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.TempQueues;
import io.mmq.mmap.process.Child;
import org.agrona.IoUtil;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Aeron UDP bridges end to end between two hosts (two network namespaces and a veth pair, or loopback
 * where namespaces cannot be made, as each test prints), every piece a real process: a producer JVM
 * publishes checked messages into queue A, an outbound bridge JVM on host A sends them, an inbound bridge
 * JVM on host B publishes them into queue B, and a consumer JVM checks every one (sequence, length, every
 * byte, checksum).
 */
class AeronUdpBridgeTest
{
    private static final long SEED = 1213;
    /** A JVM ended by SIGTERM exits 128 + 15 once its shutdown hooks (the bridge's clean stop) have run. */
    private static final int SIGTERM_EXIT = 143;

    private TwoHosts hosts;
    private Path directory;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception
    {
        hosts = TwoHosts.create();
        System.out.println("hosts: " + hosts.description());
        directory = TempQueues.directory();
    }

    @AfterEach
    void tearDown() throws Exception
    {
        children.forEach(Child::close);
        hosts.close();
        IoUtil.delete(directory.toFile(), true);
    }

    private Path createQueue(final String name, final int capacity, final int maxMessage) throws Exception
    {
        final Path file = directory.resolve(name);
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(capacity).withMaxMessageLength(maxMessage)
            .withConsumerSlots(4)).close();
        return file;
    }

    private String endpoint() throws Exception
    {
        if (hosts.isNamespaces())
        {
            return "aeron:udp?endpoint=" + hosts.addressB() + ":" + ThreadLocalRandom.current().nextInt(20_000, 60_000);
        }
        try (DatagramSocket socket = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()))
        {
            return "aeron:udp?endpoint=127.0.0.1:" + socket.getLocalPort();
        }
    }

    private Child onA(final String name, final Class<?> main, final Object... args) throws Exception
    {
        final Child child = hosts.onA(name, List.of(), main, args);
        children.add(child);
        return child;
    }

    private Child onB(final String name, final List<String> properties, final Class<?> main, final Object... args)
        throws Exception
    {
        final Child child = hosts.onB(name, properties, main, args);
        children.add(child);
        return child;
    }

    private Child inbound(final String name, final String endpoint, final Path queue, final List<String> properties,
        final String... options) throws Exception
    {
        final Object[] args = new Object[3 + options.length + 1];
        args[0] = "in";
        args[1] = endpoint;
        args[2] = queue;
        System.arraycopy(options, 0, args, 3, options.length);
        args[args.length - 1] = "aeron-dir=" + directory.resolve("aeron-" + name);
        return onB(name, properties, UdpBridgeProcess.class, args);
    }

    private Child outbound(final String name, final Path queue, final String endpoint, final String... options)
        throws Exception
    {
        final Object[] args = new Object[3 + options.length + 1];
        args[0] = "out";
        args[1] = queue;
        args[2] = endpoint;
        System.arraycopy(options, 0, args, 3, options.length);
        args[args.length - 1] = "aeron-dir=" + directory.resolve("aeron-" + name);
        return onA(name, UdpBridgeProcess.class, args);
    }

    private static List<String> loss(final double rate)
    {
        return List.of("-Daeron.ReceiveChannelEndpoint.supplier=io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier",
            "-Daeron.debug.receive.data.loss.rate=" + rate, "-Daeron.debug.receive.data.loss.seed=" + SEED);
    }

    private static void sigterm(final Child child)
    {
        // Through the handle, which leaves our end of its output open (Process.destroy closes it).
        child.process().toHandle().destroy();
    }

    /**
     * Waits for a progress line whose {@code key} is above zero: progress lines come every second, and the
     * first unread one may be older than what is being waited for.
     */
    private static String awaitProgress(final Child bridge, final String key, final long seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true)
        {
            final String line = bridge.awaitLine("progress", seconds);
            if (field(line, key) > 0)
            {
                return line;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new AssertionError(bridge.name() + ": no progress line with " + key + " > 0 within " + seconds +
                    " s; the last: " + line);
            }
        }
    }

    /** @return a system counter of the driver in {@code aeronDirectory}, read from its cnc.dat. */
    private static long systemCounter(final Path aeronDirectory, final SystemCounterDescriptor counter)
    {
        final java.nio.MappedByteBuffer cnc = IoUtil.mapExistingFile(aeronDirectory.resolve(CncFileDescriptor.CNC_FILE).toFile(),
            "cnc");
        try
        {
            final org.agrona.concurrent.UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
            final CountersReader reader = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(cnc, metaData),
                CncFileDescriptor.createCountersValuesBuffer(cnc, metaData));
            return reader.getCounterValue(counter.id());
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }

    @Test
    void everyMessageArrivesExactlyOnceAndInOrderWithTwoPercentOfThePacketsLost() throws Exception
    {
        final long count = Long.getLong("mmq.test.aeronMessages", 200_000);
        final int maxMessage = 3_000; // above the 1,408-byte MTU: about half the messages are sent in fragments
        final long began = System.nanoTime();
        final Path a = createQueue("a.mmq", 1 << 20, 4096);
        final Path b = createQueue("b.mmq", 1 << 20, 4096);
        final String endpoint = endpoint();

        final Child in = inbound("in", endpoint, b, loss(0.02));
        in.awaitLine("session", 60);
        final Child out = outbound("out", a, endpoint);
        final String session = out.awaitLine("session", 60);
        assertEquals(0, field(session, "consumer-position"), session);
        final Child consumer = onB("consumer", List.of(), CheckingConsumerProcess.class, b, SEED, maxMessage, count, -1);
        consumer.awaitLine("JOINED", 60);
        final Child producer = onA("producer", ReportingProducerProcess.class, a, SEED, maxMessage, 0, count);

        final String done = consumer.awaitLine("DONE", 120);
        final String published = producer.awaitLine("DONE", 30);
        assertEquals(field(published, "crc"), field(done, "crc"), "the far consumer's checksum is the producer's");
        assertEquals(count, field(done, "received"));

        final long naks = systemCounter(directory.resolve("aeron-in"), SystemCounterDescriptor.NAK_MESSAGES_SENT);
        assertTrue(naks > 0, "the inbound driver lost packets and asked for them again: NAKs sent " + naks);

        sigterm(out);
        final String outStopped = out.awaitLine("stopped", 30);
        assertEquals(count, field(outStopped, "forwarded"), outStopped);
        assertEquals(0, field(outStopped, "inflight"), "the clean stop waited until the far side had everything: " +
            out.output());
        assertEquals(SIGTERM_EXIT, out.awaitExit(30), out.errors());
        sigterm(in);
        final String inStopped = in.awaitLine("stopped", 30);
        assertEquals(count, field(inStopped, "applied"), inStopped);
        assertEquals(0, field(inStopped, "duplicates"), inStopped);
        assertEquals(0, field(inStopped, "gaps"), inStopped);
        assertEquals(SIGTERM_EXIT, in.awaitExit(30), in.errors());
        try (MappedQueue queueA = MappedQueue.open(a); MappedQueue queueB = MappedQueue.open(b))
        {
            assertEquals(queueA.counters().producerPosition(), queueA.counters().consumerPosition(0),
                "the bridge committed everything");
            assertEquals(queueA.counters().producerPosition(), field(inStopped, "source-position"),
                "the inbound applied up to the source's end");
            assertEquals(queueA.counters().producerPosition(), queueB.producer().checkpoint(),
                "queue B's checkpoint is the source position of its last message");
        }
        System.out.printf("aeron udp e2e over %s: %,d messages with 2%% loss (%,d NAKs) in %.1f s%n",
            hosts.isNamespaces() ? "namespaces" : "LOOPBACK", count, naks, (System.nanoTime() - began) / 1e9);
    }

    @Test
    void theLocalProducerIsHeldBackWhileTheFarConsumerStallsAndReleasedWhenItResumes() throws Exception
    {
        final long count = 20_000;
        final int maxMessage = 512;
        final long pauseAt = 2_000;
        final Path a = createQueue("a.mmq", 64 * 1024, 512);
        final Path b = createQueue("b.mmq", 64 * 1024, 512);
        final String endpoint = endpoint();

        final Child in = inbound("in", endpoint, b, List.of());
        in.awaitLine("session", 60);
        final Child out = outbound("out", a, endpoint);
        out.awaitLine("session", 60);
        final Child consumer = onB("consumer", List.of(), CheckingConsumerProcess.class, b, SEED, maxMessage, count, pauseAt);
        consumer.awaitLine("JOINED", 60);
        final Child producer = onA("producer", ReportingProducerProcess.class, a, SEED, maxMessage, 0, count);

        consumer.awaitLine("PAUSED", 60);
        // Queue B fills, the inbound bridge stops taking fragments, Aeron's window closes, the outbound's offers
        // are refused, it stops reading queue A, and queue A fills up to the bridge's committed position.
        final String blocked = producer.awaitLine("BLOCKED", 30);
        final long heldAt = field(blocked, "published");
        assertTrue(heldAt < count, blocked);
        // Held, not slowed: for a second and a half the producer gets no room at all.
        final long until = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < until)
        {
            assertFalse(producer.output().stream().anyMatch(line -> line.startsWith("FLOWING") || line.startsWith("DONE")),
                "the producer got room while the far consumer was stalled: " + producer.output());
            Thread.sleep(50);
        }
        awaitProgress(out, "backpressured", 10); // the outbound bridge's offers were refused BACK_PRESSURED
        awaitProgress(in, "backpressured", 10); // the inbound bridge found queue B full

        consumer.send("resume");
        producer.awaitLine("FLOWING", 30);
        final String done = consumer.awaitLine("DONE", 60);
        final String published = producer.awaitLine("DONE", 30);
        assertEquals(count, field(done, "received"));
        assertEquals(field(published, "crc"), field(done, "crc"), "nothing lost, nothing changed");
        System.out.printf("aeron udp back-pressure over %s: producer held at message %,d of %,d, released on resume%n",
            hosts.isNamespaces() ? "namespaces" : "LOOPBACK", heldAt, count);
    }
}
