package io.mmq.bridge.aeron;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.aeron.CncFileDescriptor;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.mmq.QueueOptions;
import io.mmq.bridge.BridgeStatus;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.TempQueues;
import io.mmq.mmap.process.Child;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    /** The largest message of the two-sources tests' queues. */
    private static final int TWO_SOURCES_MAX_MESSAGE = 256;
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
        return "aeron:udp?endpoint=127.0.0.1:" + LoopbackPort.freeUdp();
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
        args[args.length - 1] = java.util.Arrays.stream(options).filter(option -> option.startsWith("aeron-dir=")).findFirst()
            .orElse("aeron-dir=" + directory.resolve("aeron-" + name));
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
        args[args.length - 1] = java.util.Arrays.stream(options).filter(option -> option.startsWith("aeron-dir=")).findFirst()
            .orElse("aeron-dir=" + directory.resolve("aeron-" + name));
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
        return awaitProgress(bridge, key, 1, seconds);
    }

    /** Waits for a progress line whose {@code key} is at least {@code atLeast}. */
    private static String awaitProgress(final Child bridge, final String key, final long atLeast, final long seconds)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true)
        {
            final String line = bridge.awaitLine("progress", seconds);
            if (field(line, key) >= atLeast)
            {
                return line;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new AssertionError(bridge.name() + ": no progress line with " + key + " >= " + atLeast + " within " +
                    seconds + " s; the last: " + line);
            }
        }
    }

    /** Waits for a line of {@code child} while reading the far queue, so that the far side does not stall. */
    private static String awaitLineReading(final Child child, final String prefix, final FarReader far, final long seconds)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true)
        {
            far.read();
            for (final String line : child.output())
            {
                if (line.startsWith(prefix))
                {
                    return line;
                }
            }
            if (System.nanoTime() - deadline >= 0 || !child.process().isAlive())
            {
                return child.awaitLine(prefix, 1); // fails, with the child's output
            }
            Thread.sleep(5);
        }
    }

    /** Reads the far queue until the inbound's progress says it has applied up to {@code end} of the source. */
    private static void awaitSourceEnd(final Child inbound, final FarReader far, final long end) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        String progress;
        do
        {
            far.read();
            progress = inbound.awaitLine("progress", 10);
            assertTrue(System.nanoTime() < deadline, "the inbound reached the source's end: " + progress);
        }
        while (field(progress, "source-position") < end);
    }

    private Child produce(final String name, final Path queue, final int maxMessage, final long first, final long count)
        throws Exception
    {
        return onA(name, ReportingProducerProcess.class, queue, SEED, maxMessage, first, count);
    }

    /** @return the committed position of the named consumer {@code name} of {@code queue}. */
    private static long committed(final Path queue, final String name)
    {
        try (MappedQueue open = MappedQueue.open(queue))
        {
            for (int slot = 0; slot < open.counters().consumerSlots(); slot++)
            {
                if (name.equals(open.counters().consumerName(slot)))
                {
                    return open.counters().consumerPosition(slot);
                }
            }
        }
        throw new AssertionError("no consumer named " + name + " in " + queue);
    }

    private static long producerPosition(final Path queue)
    {
        try (MappedQueue open = MappedQueue.open(queue))
        {
            return open.counters().producerPosition();
        }
    }

    private static void sigkill(final Child child) throws InterruptedException
    {
        // Through the handle: Process.destroyForcibly would also close our end of its output.
        child.process().toHandle().destroyForcibly();
        child.awaitExit(30);
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
        assertEquals(-1, field(in.awaitLine("session", 60), "source-position"), "queue B has no checkpoint yet");
        final Child out = outbound("out", a, endpoint);
        final String session = out.awaitLine("session", 60);
        assertEquals(0, field(session, "consumer-position"), session);
        final Child consumer = onB("consumer", List.of(), CheckingConsumerProcess.class, b, SEED, maxMessage, count, -1);
        consumer.awaitLine("JOINED", 60);
        final Child producer = onA("producer", ReportingProducerProcess.class, a, SEED, maxMessage, 0, count);

        assertEquals(0, field(in.awaitLine("first", 60), "from"), "the inbound says it has the source from its start");
        final String done = consumer.awaitLine("DONE", 120);
        final String published = producer.awaitLine("DONE", 30);
        assertEquals(field(published, "crc"), field(done, "crc"), "the far consumer's checksum is the producer's");
        assertEquals(count, field(done, "received"));

        final long naks = systemCounter(directory.resolve("aeron-in"), SystemCounterDescriptor.NAK_MESSAGES_SENT);
        assertTrue(naks > 0, "the inbound driver lost packets and asked for them again: NAKs sent " + naks);

        // mmq stat's view: each bridge's status file beside its queue, running, with its counters.
        final BridgeStatus.Snapshot outStatus = BridgeStatus.readAll(a).get(0);
        assertEquals(List.of("bridge:aeron:" + UdpUri.parse(endpoint).endpoint(), "out", "running"),
            List.of(outStatus.name(), outStatus.direction(), outStatus.liveState()), outStatus.toString());
        final BridgeStatus.Snapshot inStatus = BridgeStatus.readAll(b).get(0);
        assertEquals(List.of(UdpRunner.statusName(UdpUri.parse(endpoint)), "in", "running"),
            List.of(inStatus.name(), inStatus.direction(), inStatus.liveState()), inStatus.toString());
        assertTrue(inStatus.counters().startsWith("applied="), inStatus.toString());

        sigterm(out);
        final String outStopped = out.awaitLine("stopped", 30);
        assertEquals(count, field(outStopped, "forwarded"), outStopped);
        assertEquals(0, field(outStopped, "unsent"), "the clean stop sent everything: " + out.output());
        assertFalse(out.output().stream().anyMatch(line -> line.startsWith("notice")), out.output().toString());
        assertEquals(SIGTERM_EXIT, out.awaitExit(30), out.errors());
        sigterm(in);
        final String inStopped = in.awaitLine("stopped", 30);
        assertEquals(count, field(inStopped, "applied"), inStopped);
        assertEquals(0, field(inStopped, "duplicates"), inStopped);
        assertEquals(0, field(inStopped, "gaps"), inStopped);
        assertEquals(SIGTERM_EXIT, in.awaitExit(30), in.errors());
        assertEquals("stopped", BridgeStatus.readAll(a).get(0).liveState());
        assertTrue(BridgeStatus.readAll(b).get(0).counters().contains("applied=" + count + " "),
            BridgeStatus.readAll(b).toString());
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

        // Both bridges stop on their own once idle for 4 s (--idle-exit; longer than the producer's JVM takes to
        // start), the inbound one after the outbound; being held back by the stall, longer than that, is not
        // idleness.
        final Child consumer = onB("consumer", List.of(), CheckingConsumerProcess.class, b, SEED, maxMessage, count, pauseAt);
        consumer.awaitLine("JOINED", 60);
        final Child in = inbound("in", endpoint, b, List.of(), "idle-exit=4000");
        in.awaitLine("session", 60);
        final Child out = outbound("out", a, endpoint, "idle-exit=4000");
        out.awaitLine("session", 60);
        final Child producer = onA("producer", ReportingProducerProcess.class, a, SEED, maxMessage, 0, count);

        consumer.awaitLine("PAUSED", 60);
        // Queue B fills, the inbound bridge stops taking fragments, Aeron's window closes, the outbound's offers
        // are refused, it stops reading queue A, and queue A fills up to the bridge's committed position.
        final String blocked = producer.awaitLine("BLOCKED", 30);
        final long heldAt = field(blocked, "published");
        assertTrue(heldAt < count, blocked);
        // Held, not slowed: for four and a half seconds the producer gets no room at all.
        final long until = System.nanoTime() + 4_500_000_000L;
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
        assertEquals(count, field(out.awaitLine("stopped", 30), "forwarded"));
        assertEquals(0, out.awaitExit(30), "the outbound bridge's idle exit: " + out.errors());
        assertEquals(count, field(in.awaitLine("stopped", 30), "applied"));
        assertEquals(0, in.awaitExit(30), "the inbound bridge's idle exit: " + in.errors());
        System.out.printf("aeron udp back-pressure over %s: producer held at message %,d of %,d, released on resume%n",
            hosts.isNamespaces() ? "namespaces" : "LOOPBACK", heldAt, count);
    }

    @Test
    void aSourceQueueCreatedAgainIsReportedAsANewSourceAndNoneOfItsMessagesIsTakenForARepeat() throws Exception
    {
        final int maxMessage = 256;
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        final Path a = createQueue("a.mmq", 1 << 20, maxMessage);
        final Path b = createQueue("b.mmq", 1 << 20, maxMessage);
        final long oldId = creationId(a);
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            final long oldEnd = forwardAThousandThenStopBothBridges(a, b, endpoint, maxMessage, far);

            // Queue A deleted and created again: its 300 messages lie at positions the old queue had passed.
            Files.delete(a);
            createQueue("a.mmq", 1 << 20, maxMessage);
            assertFalse(oldId == creationId(a));
            produce("producer-2", a, maxMessage, 1_000, 300).awaitLine("DONE", 60);
            assertTrue(producerPosition(a) < oldEnd, "the new queue is still behind where the old one ended");

            // Both bridges start again: the inbound knows its checkpoint's source only from queue B.
            final Child in2 = inbound("in-2", endpoint, b, List.of());
            assertTrue(in2.awaitLine("session", 60).contains(" source=" + String.format("%016x", oldId) + " "),
                "the checkpoint's source survived the bridge");
            final Child out2 = outbound("out-2", a, endpoint);
            out2.awaitLine("session", 60);
            final String changed = in2.awaitLine("source changed", 60);
            assertTrue(changed.contains("from=" + String.format("%016x", oldId) + " to=" +
                String.format("%016x", creationId(a))), changed);
            assertEquals(oldEnd, field(changed, "last-position"), changed);
            assertEquals(0, field(in2.awaitLine("first", 60), "from"), "the new queue is applied from its start");
            assertBothQueuesArrivedOnceWithOneSourceChange(out2, in2, far, messages);
        }
    }

    @Test
    void anInboundThatJoinsTheSenderOfARecreatedQueuePartWayWaitsForItToNameItsQueueAndReportsTheChange()
        throws Exception
    {
        final int maxMessage = 256;
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        final Path a = createQueue("a.mmq", 1 << 20, maxMessage);
        final Path b = createQueue("b.mmq", 1 << 20, maxMessage);
        final long oldId = creationId(a);
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            forwardAThousandThenStopBothBridges(a, b, endpoint, maxMessage, far);

            // Queue A created again, empty; its bridge connects to an inbound that dies before applying anything.
            Files.delete(a);
            createQueue("a.mmq", 1 << 20, maxMessage);
            final String newId = String.format("%016x", creationId(a));
            final Child in2 = inbound("in-2", endpoint, b, List.of());
            in2.awaitLine("session", 60);
            final Child out2 = outbound("out-2", a, endpoint);
            out2.awaitLine("session", 60);
            assertTrue(in2.awaitLine("sender", 60).endsWith(" source=" + newId));
            sigkill(in2);

            // The next inbound joins the running sender part way, after the frame that first named its queue.
            final Child in3 = inbound("in-3", endpoint, b, List.of());
            assertTrue(in3.awaitLine("session", 60).contains(" source=" + String.format("%016x", oldId) + " "));
            assertTrue(in3.awaitLine("sender", 60).endsWith(" source=" + newId), "the sender names its queue again");
            produce("producer-2", a, maxMessage, 1_000, 300).awaitLine("DONE", 60);
            final String changed = in3.awaitLine("source changed", 60);
            assertTrue(changed.contains("to=" + newId), changed);
            assertEquals(0, field(in3.awaitLine("first", 60), "from"), "the new queue is applied from its start");
            assertBothQueuesArrivedOnceWithOneSourceChange(out2, in3, far, messages);
        }
    }

    /**
     * Bridges 1,000 checked messages from queue {@code a} to {@code b} (read by {@code far}), then stops both
     * bridges cleanly. @return queue A's producer position: where the old queue ended.
     */
    private long forwardAThousandThenStopBothBridges(final Path a, final Path b, final String endpoint,
        final int maxMessage, final FarReader far) throws Exception
    {
        final Child in = inbound("in", endpoint, b, List.of());
        in.awaitLine("session", 60);
        final Child out = outbound("out", a, endpoint);
        out.awaitLine("session", 60);
        produce("producer-1", a, maxMessage, 0, 1_000).awaitLine("DONE", 60);
        far.readUntil(1_000, 60);
        final long end = producerPosition(a);
        sigterm(out);
        assertEquals(SIGTERM_EXIT, out.awaitExit(30), out.errors());
        sigterm(in);
        in.awaitLine("stopped", 30);
        in.awaitExit(30);
        return end;
    }

    /**
     * Stops both bridges once the far queue has the old queue's 1,000 messages and the new one's 300, and
     * checks that the inbound applied the 300 as a new source, neither dropped nor taken for a gap, and that
     * the far queue holds messages 0 to 1,299 in order, once each.
     */
    private static void assertBothQueuesArrivedOnceWithOneSourceChange(final Child out, final Child in,
        final FarReader far, final CheckedMessages messages) throws InterruptedException
    {
        far.readUntil(1_300, 60);
        sigterm(out);
        assertEquals(SIGTERM_EXIT, out.awaitExit(30), out.errors());
        sigterm(in);
        final String stopped = in.awaitLine("stopped", 30);
        assertEquals(300, field(stopped, "applied"), stopped);
        assertEquals(0, field(stopped, "duplicates"), stopped);
        assertEquals(0, field(stopped, "gaps"), stopped);
        assertEquals(1, field(stopped, "source-changes"), stopped);
        in.awaitExit(30);

        far.read();
        assertEquals(1_300, far.messages().size(), "every message of both queues, once");
        for (int seq = 0; seq < 1_300; seq++)
        {
            final byte[] message = far.messages().get(seq);
            assertNull(messages.check(new UnsafeBuffer(message), 0, message.length, seq));
        }
    }

    private static long creationId(final Path queue)
    {
        try (MappedQueue open = MappedQueue.open(queue))
        {
            return open.creationId();
        }
    }

    @Test
    void aSenderThatSkipsIsReportedAsAGapOfExactlyTheSkippedRangeAndOneThatRepeatsIsDropped() throws Exception
    {
        final int maxMessage = 256;
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        final Path a = createQueue("a.mmq", 1 << 20, maxMessage);
        final Path b = createQueue("b.mmq", 1 << 20, maxMessage);
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            final Child in = inbound("in", endpoint, b, List.of());
            in.awaitLine("session", 60);

            // 1,000 messages through the bridge "first", which then stops cleanly.
            final Child first = outbound("first", a, endpoint, "name=first");
            first.awaitLine("session", 60);
            produce("producer-1", a, maxMessage, 0, 1_000).awaitLine("DONE", 60);
            far.readUntil(1_000, 60);
            sigterm(first);
            assertEquals(SIGTERM_EXIT, first.awaitExit(30), first.errors());

            // 500 with no bridge; then a bridge with a new name starting at the end: those 500 are never sent.
            produce("producer-2", a, maxMessage, 1_000, 500).awaitLine("DONE", 60);
            final long skipFrom = committed(a, "first");
            final long skipTo = producerPosition(a);
            final Child second = outbound("second", a, endpoint, "name=second", "start=LATEST");
            assertEquals(skipTo, field(second.awaitLine("session", 60), "consumer-position"));
            produce("producer-3", a, maxMessage, 1_500, 1_000).awaitLine("DONE", 60);
            final String gap = in.awaitLine("gap", 60);
            assertEquals(skipFrom, field(gap, "from"), gap);
            assertEquals(skipTo, field(gap, "to"), gap);
            far.readUntil(2_000, 60);
            sigterm(second);
            assertEquals(SIGTERM_EXIT, second.awaitExit(30), second.errors());

            // A bridge that sends everything again from the start: all 2,500 are repeats, dropped; then 100 new.
            final Child third = outbound("third", a, endpoint, "name=third", "start=EARLIEST");
            assertEquals(0, field(third.awaitLine("session", 60), "consumer-position"));
            produce("producer-4", a, maxMessage, 2_500, 100).awaitLine("DONE", 60);
            far.readUntil(2_100, 60);
            awaitProgress(in, "duplicates", 2_500, 30);
            sigterm(third);
            assertEquals(SIGTERM_EXIT, third.awaitExit(30), third.errors());
            sigterm(in);
            final String stopped = in.awaitLine("stopped", 30);
            assertEquals(2_100, field(stopped, "applied"), stopped);
            assertEquals(2_500, field(stopped, "duplicates"), stopped);
            assertEquals(1, field(stopped, "gaps"), stopped);
            assertEquals(skipTo - skipFrom, field(stopped, "missing"), stopped);
            in.awaitExit(30);

            far.read();
            assertEquals(500, new SourceWalk(a).check(far.messages(), messages, List.of(SourceWalk.Gap.of(gap))),
                "the far queue lacks exactly the 500 messages of the gap");
        }
    }

    @Test
    void aKilledOutboundLosesOnlyWhatWasUnsentAndAKilledInboundAppliesNothingTwiceEachLossReportedExactly() throws Exception
    {
        final int maxMessage = 256;
        final long count = 12_000;
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        final Path a = createQueue("a.mmq", 8 << 20, maxMessage); // holds the whole stream, for the walk
        final Path b = createQueue("b.mmq", 64 * 1024, maxMessage); // small: the stalled reader fills it soon
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            final Child in1 = inbound("in-1", endpoint, b, List.of(), "aeron-dir=" + directory.resolve("aeron-in"));
            in1.awaitLine("session", 60);
            Child out = outbound("out-1", a, endpoint, "aeron-dir=" + directory.resolve("aeron-out"));
            out.awaitLine("session", 60);
            final Child producer = produce("producer", a, maxMessage, 0, count);

            // Stall the far side: queue B fills, the window closes, the publication fills (messages offered and
            // committed, not yet sent); then kill -9 the outbound bridge, losing those.
            far.readUntil(2_000, 60);
            awaitProgress(in1, "backpressured", 30);
            awaitProgress(out, "backpressured", 30);
            sigkill(out);
            final long committed = committed(a, UdpOptions.defaultConsumerName(UdpUri.parse(endpoint)));
            // Same name, same Aeron directory: the dead driver's directory is taken over at once.
            out = outbound("out-2", a, endpoint, "aeron-dir=" + directory.resolve("aeron-out"));
            assertEquals(committed, field(out.awaitLine("session", 60), "consumer-position"));
            final String outboundGap = awaitLineReading(in1, "gap", far, 60);
            assertEquals(committed, field(outboundGap, "to"), "the loss ends where the new bridge resumed: " + outboundGap);

            // Then stall the far side again until queue B is full, so that the inbound bridge holds messages it
            // received and has not applied, and kill -9 it: those are lost with it. Started again, it resumes
            // after its checkpoint, the source position of the last message in queue B.
            far.readUntil(8_000, 60);
            final long full = 64 * 1024 - 2 * (8 + maxMessage);
            final long stallDeadline = System.nanoTime() + 30_000_000_000L;
            while (far.lag() < full)
            {
                assertTrue(System.nanoTime() < stallDeadline, "queue B fills while its reader stalls: lag " + far.lag());
                Thread.sleep(10);
            }
            sigkill(in1);
            final Child in = inbound("in-2", endpoint, b, List.of(), "aeron-dir=" + directory.resolve("aeron-in"));
            final long checkpoint = field(in.awaitLine("session", 60), "source-position");
            assertTrue(checkpoint > committed, "the restarted inbound knows the last message it applied: " + checkpoint);
            final String inboundGap = awaitLineReading(in, "gap", far, 60);
            assertEquals(checkpoint, field(inboundGap, "from"), "the loss starts at the checkpoint: " + inboundGap);

            assertEquals(count, field(producer.awaitLine("DONE", 90), "published"));
            final long end = producerPosition(a);
            awaitSourceEnd(in, far, end);
            sigterm(out);
            out.awaitExit(30);
            sigterm(in);
            in.awaitExit(30);
            far.read();

            final List<SourceWalk.Gap> gaps = SourceWalk.Gap.reportedBy(in1, in);
            assertEquals(List.of(SourceWalk.Gap.of(outboundGap), SourceWalk.Gap.of(inboundGap)), gaps, "one gap per crash");
            printLoss("crashes", new SourceWalk(a).check(far.messages(), messages, gaps), count, gaps);
        }
    }

    @Test
    void aNetworkSilentForLessThanThePeerTimeoutLosesNothingAndOneSilentForLongerLosesOnlyWhatItReportsAsAGap()
        throws Exception
    {
        Assumptions.assumeTrue(hosts.isNamespaces(), "the link between the hosts can be cut only between namespaces: " +
            hosts.description());
        final int maxMessage = 256;
        final long count = 24_000;
        final long rate = 2_000; // messages a second: traffic during each silence
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        final Path a = createQueue("a.mmq", 8 << 20, maxMessage); // hold the whole stream, for the walk
        final Path b = createQueue("b.mmq", 8 << 20, maxMessage);
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            final Child in = inbound("in", endpoint, b, List.of());
            in.awaitLine("session", 60);
            final Child out = outbound("out", a, endpoint);
            out.awaitLine("session", 60);
            final Child producer = onA("producer", ReportingProducerProcess.class, a, SEED, maxMessage, 0, count, rate);

            // 2 s of silence, shorter than the 5 s peer timeout: Aeron sends again what was lost.
            far.readUntil(2_000, 60);
            hosts.link(false);
            Thread.sleep(2_000); // the silence itself, not a wait for a condition
            hosts.link(true);
            far.readUntil(6_000, 60);
            assertFalse(in.output().stream().anyMatch(line -> line.startsWith("gap")), in.output().toString());
            final long notConnectedBefore = field(out.awaitLine("progress", 10), "notconnected");

            // 7 s of silence, longer: the sender counts the receiver gone. Usually the receiver's image ends too,
            // and when the link is back a new image starts where the sender is, so that what went into the
            // silence is a gap; on a loaded machine the image can outlive the silence and Aeron sends it all
            // again. Either way, whatever is missing must be inside a reported gap.
            hosts.link(false);
            Thread.sleep(7_000);
            awaitProgress(out, "notconnected", notConnectedBefore + 1, 10);
            hosts.link(true);

            assertEquals(count, field(producer.awaitLine("DONE", 60), "published"));
            final long end = producerPosition(a);
            awaitSourceEnd(in, far, end);
            far.read();
            final List<SourceWalk.Gap> gaps = SourceWalk.Gap.reportedBy(in);
            assertTrue(gaps.size() <= 1, "at most one gap, for the long silence: " + gaps);
            final long lost = new SourceWalk(a).check(far.messages(), messages, gaps);
            System.out.printf("aeron udp silences over namespaces: 2 s lost nothing; 7 s lost %,d of %,d messages, " +
                "reported as %s%n", lost, count, gaps);
        }
    }

    @Test
    void aMessageLongerThanTheFarQueueTakesStopsTheInboundBridgeWithOneLineAfterEveryMessageBeforeIt() throws Exception
    {
        final int maxMessage = 4096;
        final int farMaxMessage = maxMessage - 1; // only a message of exactly the source's largest is too long
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        int tooLong = 0;
        while (messages.length(tooLong) <= farMaxMessage)
        {
            tooLong++;
        }
        assertTrue(tooLong > 0, "the seed gives messages that fit before the first that does not");
        final long count = tooLong + 100L;
        final Path a = createQueue("a.mmq", 1 << 20, maxMessage);
        final Path b = createQueue("b.mmq", 1 << 20, farMaxMessage);
        final String endpoint = endpoint();
        final List<byte[]> received;
        try (FarReader far = new FarReader(b))
        {
            final Child in = inbound("in", endpoint, b, List.of());
            in.awaitLine("session", 60);
            outbound("out", a, endpoint).awaitLine("session", 60);
            final Child producer = produce("producer", a, maxMessage, 0, count);

            assertEquals(2, in.awaitExit(60), "the inbound bridge stops, exit 2: " + in.output());
            assertEquals(List.of("mmq: a message of " + maxMessage + " bytes arrived, longer than the queue's largest (" +
                farMaxMessage + ")"), in.errors().lines().filter(line -> !line.isBlank()).toList(), "one line, no trace");
            assertEquals(count, field(producer.awaitLine("DONE", 60), "published"));
            far.readUntil(tooLong, 30);
            far.read();
            received = List.copyOf(far.messages());
        }
        assertEquals(tooLong, received.size(), "every message before the long one, and nothing after it");
        for (int i = 0; i < tooLong; i++)
        {
            assertNull(messages.check(new UnsafeBuffer(received.get(i)), 0, received.get(i).length, i), "far message " + i);
        }
        final SourceWalk source = new SourceWalk(a);
        try (MappedQueue queueB = MappedQueue.open(b))
        {
            assertEquals(source.end(tooLong - 1), queueB.counters().lastCheckpoint(),
                "queue B's checkpoint is the end of the last message applied: a bridge started again resumes there");
        }
    }

    @Test
    void anInboundBridgeIntoAQueueAnotherProcessProducesIntoIsRefusedWithOneLineAndTheQueueIsUntouched()
        throws Exception
    {
        final Path b = createQueue("b.mmq", 1 << 20, 256);
        final Child holder = onB("holder", List.of(), HoldProducerProcess.class, b);
        holder.awaitLine("HOLDING", 60);
        final byte[] before = Files.readAllBytes(b);

        final Child in = inbound("in", endpoint(), b, List.of());
        assertEquals(2, in.awaitExit(60), "refused, exit 2: " + in.output());
        final List<String> errors = in.errors().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, errors.size(), "one line, no trace: " + errors);
        assertTrue(errors.get(0).startsWith("mmq: ") && errors.get(0).contains("another producer"), errors.get(0));
        assertArrayEquals(before, Files.readAllBytes(b), "the queue file is byte for byte as it was");
        holder.send("done");
        assertEquals(0, holder.awaitExit(30), holder.errors());
    }

    /**
     * The most a SIGTERM of the inbound may lose, in source bytes: what the sender sent before it heard the
     * receiver's end-of-stream status message (a one-way trip and a duty cycle of each side: a few messages
     * in the runs: 900 to 1,800 bytes) and what the stopped bridge had received and not applied. Half the
     * receiver window (half the 64 KiB term of these 256-byte messages), to leave room for a stopped bridge
     * slowed down on a busy machine: before the inbound said goodbye, the sender went on to the end of the
     * window the receiver last granted (up to 32 KiB), and its successor dropped as unnamed what came before
     * the sender named its queue again: 33,440 and 38,888 bytes lost in two runs.
     */
    private static final long SIGTERM_LOSS_LIMIT = 16 * 1024;

    @Test
    void anInboundBridgeStoppedBySigtermMidStreamTellsTheSenderAtOnceAndItsSuccessorLosesOnlyWhatWasInFlight()
        throws Exception
    {
        // Paced (2,000 a second, 4 s in all), so that the stop lands mid-stream.
        final Restarted restarted = inboundStoppedMidStreamThenASuccessorLosesOnlyAReportedGap("SIGTERM", 8_000, 2_000,
            (in1, endpoint) ->
            {
                sigterm(in1);
                assertEquals(SIGTERM_EXIT, in1.awaitExit(30), in1.errors());
            });
        final long lost = restarted.gaps().stream().mapToLong(gap -> gap.to() - gap.from()).sum();
        assertTrue(lost <= SIGTERM_LOSS_LIMIT, "the stopped inbound told the sender at once: it lost " + lost +
            " bytes, at most " + SIGTERM_LOSS_LIMIT + " (half the receiver window) were allowed: " + restarted.gaps());
        assertEquals(0, field(restarted.in2().awaitLine("stopped", 5), "unnamed"),
            "the sender named its queue before anything else once a receiver was back: " + restarted.in2().output());
    }

    @Test
    void anOutboundWhoseReceiverIsGoneCountsItAndShowsWhatWaitsInTheQueueAsLag() throws Exception
    {
        final int maxMessage = 256;
        final Path a = createQueue("a.mmq", 64 * 1024, maxMessage);
        final Path b = createQueue("b.mmq", 64 * 1024, maxMessage);
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            final Child in = inbound("in", endpoint, b, List.of());
            in.awaitLine("session", 60);
            final Child out = outbound("out", a, endpoint);
            out.awaitLine("session", 60);
            produce("producer-1", a, maxMessage, 0, 10).awaitLine("DONE", 60);
            far.readUntil(10, 30);

            sigterm(in);
            assertEquals(SIGTERM_EXIT, in.awaitExit(30), in.errors());
            // Within 3 s, before Aeron's 5 s peer timeout could say so: the inbound said goodbye.
            awaitLine(out, "progress", line -> line.contains("connected=false"), 3);
            final long lagBefore = field(out.awaitLine("progress", 5), "lag");
            assertEquals(0, lagBefore, "everything sent before the receiver went");

            // With nobody to send to, the bridge reads nothing: what is published meanwhile is its lag.
            produce("producer-2", a, maxMessage, 10, 3).awaitLine("DONE", 60);
            awaitProgress(out, "lag", 1, 10);
            awaitProgress(out, "notconnected", 1, 10);
            assertEquals(10, field(out.awaitLine("progress", 5), "forwarded"));
        }
    }

    @Test
    void twoSourceQueuesSendingAtOnceStopTheInboundBridgeWithOneLineNamingBothAndNothingOfTheSecondIsApplied()
        throws Exception
    {
        final int maxMessage = TWO_SOURCES_MAX_MESSAGE;
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        final Path a1 = createQueue("a1.mmq", 8 << 20, maxMessage);
        final Path a2 = createQueue("a2.mmq", 8 << 20, maxMessage);
        final Path b = createQueue("b.mmq", 8 << 20, maxMessage);
        final String first = String.format("%016x", creationId(a1));
        final String second = String.format("%016x", creationId(a2));
        assertFalse(first.equals(second));
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            // The first source streams throughout: its image is live and sending when the second comes.
            final Child in = firstSourceStreaming(a1, b, endpoint, far, 20_000);
            secondSourceNamed(in, a2, endpoint);
            final long secondNamed = System.nanoTime();

            assertEquals(2, in.awaitExit(30), "the inbound bridge stops, exit 2: " + in.output());
            final double stoppedAfter = (System.nanoTime() - secondNamed) / 1e9;
            assertTrue(stoppedAfter > 8 && stoppedAfter < 20, "it stops after the second source waited 10 s: " +
                stoppedAfter + " s");
            assertStoppedOnTheSecondSourceHavingAppliedTheFirstsInOrder(in, far, endpoint, a1, a2, messages);
            System.out.printf("aeron udp two sources over %s: the inbound stopped %.1f s after the second named its " +
                "queue, with %,d messages of the first%n", hosts.isNamespaces() ? "namespaces" : "LOOPBACK", stoppedAfter,
                far.messages().size());
        }
    }

    /**
     * The start of a two-sources test: an inbound bridge into queue B, and the first source queue streaming
     * {@code count} messages (1,000 a second) through an outbound bridge, 1,000 of them read from queue B.
     *
     * @return the inbound bridge.
     */
    private Child firstSourceStreaming(final Path a1, final Path b, final String endpoint, final FarReader far,
        final long count) throws Exception
    {
        final Child in = inbound("in", endpoint, b, List.of());
        in.awaitLine("session", 60);
        outbound("out-1", a1, endpoint).awaitLine("session", 60);
        onA("producer-1", ReportingProducerProcess.class, a1, SEED, TWO_SOURCES_MAX_MESSAGE, 0, count, 1_000);
        far.readUntil(1_000, 60);
        return in;
    }

    /**
     * The second source queue, with 500 messages waiting (numbered from 1,000,000, so that none can pass for the
     * first's), gets a bridge to the same endpoint; returns once the inbound has heard it name its queue.
     */
    private void secondSourceNamed(final Child in, final Path a2, final String endpoint) throws Exception
    {
        produce("producer-2", a2, TWO_SOURCES_MAX_MESSAGE, 1_000_000, 500).awaitLine("DONE", 60);
        outbound("out-2", a2, endpoint).awaitLine("session", 60);
        final String second = String.format("%016x", creationId(a2));
        awaitLine(in, "sender", line -> line.endsWith(" source=" + second), 30);
    }

    /**
     * The end of a two-sources test: one line naming both creation ids, no source change and no gap reported, and
     * queue B holding the first source's messages from its first, in order, with nothing of the second's.
     */
    private void assertStoppedOnTheSecondSourceHavingAppliedTheFirstsInOrder(final Child in, final FarReader far,
        final String endpoint, final Path a1, final Path a2, final CheckedMessages messages) throws Exception
    {
        assertEquals("mmq: two source queues are sending to " + UdpUri.parse(endpoint).endpoint() +
            " at once (creation ids " + String.format("%016x", creationId(a1)) + " and " +
            String.format("%016x", creationId(a2)) + "): one inbound bridge takes one source queue", errorLine(in));
        final String stopped = in.awaitLine("stopped", 5);
        assertEquals(0, field(stopped, "source-changes"), stopped);
        assertEquals(0, field(stopped, "gaps"), stopped);
        assertFalse(in.output().stream().anyMatch(line -> line.startsWith("source changed") || line.startsWith("gap")),
            in.output().toString());

        far.read();
        assertEquals(field(stopped, "applied"), far.messages().size(), stopped);
        final SourceWalk source = new SourceWalk(a1);
        assertEquals(0, source.checkPrefix(far.messages(), messages, List.of()));
        try (MappedQueue queueB = MappedQueue.open(far.file()))
        {
            assertEquals(source.end(far.messages().size() - 1), queueB.counters().lastCheckpoint(),
                "queue B's checkpoint is the first source's position after its last message");
        }
    }

    @Test
    void theWaitForTheOlderSourceToEndPausesWhileTheFarQueueIsFullForNoOlderImageCanDeliverMeanwhile() throws Exception
    {
        final int maxMessage = TWO_SOURCES_MAX_MESSAGE;
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        final Path a1 = createQueue("a1.mmq", 8 << 20, maxMessage);
        final Path a2 = createQueue("a2.mmq", 8 << 20, maxMessage);
        final Path b = createQueue("b.mmq", 64 * 1024, maxMessage); // full within a second of the far side stalling
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            // A minute of messages: queue A1 (8 MiB) keeps taking them while the far side stalls.
            final Child in = firstSourceStreaming(a1, b, endpoint, far, 60_000);

            // The far side stalls: queue B fills and the first source's image waits on it.
            awaitProgress(in, "backpressured", 30);
            secondSourceNamed(in, a2, endpoint);

            // Longer than the 10 s wait: none of it counts while queue B is full.
            assertFalse(in.process().waitFor(12, TimeUnit.SECONDS),
                "the inbound bridge waits on while queue B is full: " + in.output() + " " + in.errors());
            final long released = System.nanoTime();
            while (in.process().isAlive() && System.nanoTime() - released < 30_000_000_000L)
            {
                far.read();
                Thread.sleep(5);
            }
            assertEquals(2, in.awaitExit(1), "the inbound bridge stops, exit 2: " + in.output());
            final double stoppedAfter = (System.nanoTime() - released) / 1e9;
            assertTrue(stoppedAfter > 8 && stoppedAfter < 20, "it stops once the second source has waited 10 s " +
                "with queue B read: " + stoppedAfter + " s after the far side resumed");
            assertStoppedOnTheSecondSourceHavingAppliedTheFirstsInOrder(in, far, endpoint, a1, a2, messages);
            System.out.printf("aeron udp two sources, far side stalled over %s: the inbound waited on while queue B " +
                "was full and stopped %.1f s after it was read again%n", hosts.isNamespaces() ? "namespaces" : "LOOPBACK",
                stoppedAfter);
        }
    }

    @Test
    void anOutboundBridgeStalledPastAeronsTimeoutsStopsWithOneLineAndItsSuccessorGoesOnLosingOnlyAReportedGap()
        throws Exception
    {
        final int maxMessage = 256;
        final long count = 40_000;
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        final Path a = createQueue("a.mmq", 8 << 20, maxMessage); // holds the whole stream, for the walk
        final Path b = createQueue("b.mmq", 8 << 20, maxMessage);
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            final Child in = inbound("in", endpoint, b, List.of());
            in.awaitLine("session", 60);
            final Child out1 = outbound("out-1", a, endpoint, "aeron-dir=" + directory.resolve("aeron-out"));
            out1.awaitLine("session", 60);
            // Paced (2,000 a second, 20 s in all), so that the stall lands mid-stream.
            final Child producer = onA("producer", ReportingProducerProcess.class, a, SEED, maxMessage, 0, count, 2_000);

            far.readUntil(2_000, 60);
            stall(out1, 15);
            in.awaitLine("images count=0", 5); // its image timed out meanwhile (5 s)
            assertEquals(2, out1.awaitExit(30), "the stalled outbound bridge stops, exit 2: " + out1.output());
            assertStalledPastTheClientTimeout(errorLine(out1), "the publication to " + UdpUri.parse(endpoint).endpoint());
            final long committed = committed(a, UdpOptions.defaultConsumerName(UdpUri.parse(endpoint)));

            // Started again on the same name and directory, it goes on from its committed position.
            final Child out2 = outbound("out-2", a, endpoint, "aeron-dir=" + directory.resolve("aeron-out"));
            assertEquals(committed, field(out2.awaitLine("session", 60), "consumer-position"));
            assertEquals(count, field(producer.awaitLine("DONE", 60), "published"));
            final long end = producerPosition(a);
            awaitSourceEnd(in, far, end);
            sigterm(out2);
            assertEquals(SIGTERM_EXIT, out2.awaitExit(30), out2.errors());
            sigterm(in);
            assertEquals(SIGTERM_EXIT, in.awaitExit(30), "the inbound bridge went on through the stall: " + in.errors());
            far.read();

            final List<SourceWalk.Gap> gaps = SourceWalk.Gap.reportedBy(in);
            // What was in flight is lost with the closed client, or, should Aeron's sender still send it, arrives:
            // the gap ends at the successor's position or before it.
            assertTrue(gaps.size() <= 1 && gaps.stream().allMatch(gap -> gap.to() <= committed),
                "at most one loss, ending where the successor resumed (" + committed + ") or before: " + gaps);
            final long lost = new SourceWalk(a).check(far.messages(), messages, gaps);
            printLoss("outbound stalled 15 s", lost, count, gaps);
            // Waking, the bridge learns that Aeron closed its client before it offers more than a few messages
            // (it reads the clock every 8 of a poll): not the 64 of a whole poll, which nobody would send.
            assertTrue(lost <= 16, "lost only what was in flight and at most 8 offered on waking: " + lost);
        }
    }

    @Test
    void anInboundBridgeStalledPastAeronsTimeoutsStopsWithOneLineAndItsSuccessorGoesOnLosingOnlyAReportedGap()
        throws Exception
    {
        // Paced (2,000 a second, 20 s in all), so that the stall lands mid-stream.
        inboundStoppedMidStreamThenASuccessorLosesOnlyAReportedGap("stalled 15 s", 40_000, 2_000, (in1, endpoint) ->
        {
            stall(in1, 15);
            assertEquals(2, in1.awaitExit(30), "the stalled inbound bridge stops, exit 2: " + in1.output());
            assertStalledPastTheClientTimeout(errorLine(in1), "the subscription on " + UdpUri.parse(endpoint).endpoint());
        });
    }

    /** What a stopped inbound's successor reported: its gaps, and the successor, exited. */
    private record Restarted(List<SourceWalk.Gap> gaps, Child in2)
    {
    }

    /** How a test stops the first inbound bridge (listening at {@code endpoint}) mid-stream, and what it checks of that. */
    private interface InboundStop
    {
        void stop(Child inbound, String endpoint) throws Exception;
    }

    /**
     * A paced stream through both bridges; the first inbound bridge is stopped by {@code stop} after 2,000
     * messages; meanwhile the outbound counts the receiver gone (notconnected); a successor on the same Aeron
     * directory resumes after the last message the first applied; at the end, queue B walked against queue A
     * has each message once, in order, and at most one reported gap, starting where the first stopped.
     */
    private Restarted inboundStoppedMidStreamThenASuccessorLosesOnlyAReportedGap(final String what, final long count,
        final int rate, final InboundStop stop) throws Exception
    {
        final int maxMessage = 256;
        final CheckedMessages messages = new CheckedMessages(SEED, maxMessage);
        final Path a = createQueue("a.mmq", 8 << 20, maxMessage); // holds the whole stream, for the walk
        final Path b = createQueue("b.mmq", 8 << 20, maxMessage);
        final String endpoint = endpoint();
        try (FarReader far = new FarReader(b))
        {
            final Child in1 = inbound("in-1", endpoint, b, List.of(), "aeron-dir=" + directory.resolve("aeron-in"));
            in1.awaitLine("session", 60);
            final Child out = outbound("out", a, endpoint);
            out.awaitLine("session", 60);
            final Child producer = onA("producer", ReportingProducerProcess.class, a, SEED, maxMessage, 0, count, rate);

            awaitProgress(in1, "applied", 2_000, 30);
            stop.stop(in1, endpoint);
            final long stoppedAt = field(in1.awaitLine("stopped", 5), "source-position");
            awaitProgress(out, "notconnected", 10); // it held while the receiver was silent

            // Started again on the same directory, it resumes after the last message its queue holds.
            final Child in2 = inbound("in-2", endpoint, b, List.of(), "aeron-dir=" + directory.resolve("aeron-in"));
            assertEquals(stoppedAt, field(in2.awaitLine("session", 60), "source-position"),
                "the successor resumes after the last message the stopped bridge applied");
            assertEquals(count, field(producer.awaitLine("DONE", 60), "published"));
            final long end = producerPosition(a);
            assertTrue(stoppedAt < end, "the stop landed mid-stream: at " + stoppedAt + " of " + end);
            awaitSourceEnd(in2, far, end);
            sigterm(out);
            assertEquals(SIGTERM_EXIT, out.awaitExit(30), "the outbound bridge went on throughout: " + out.errors());
            sigterm(in2);
            assertEquals(SIGTERM_EXIT, in2.awaitExit(30), in2.errors());
            far.read();

            final List<SourceWalk.Gap> gaps = SourceWalk.Gap.reportedBy(in2);
            assertTrue(gaps.size() <= 1 && gaps.stream().allMatch(gap -> gap.from() == stoppedAt),
                "at most one loss, starting where the first inbound stopped (" + stoppedAt + "): " + gaps);
            printLoss("inbound " + what, new SourceWalk(a).check(far.messages(), messages, gaps), count, gaps);
            return new Restarted(gaps, in2);
        }
    }

    /** One line of what a fault test lost, for the test's log: the walk proved the rest. */
    private void printLoss(final String what, final long lost, final long count, final List<SourceWalk.Gap> gaps)
    {
        System.out.printf("aeron udp %s over %s: %,d of %,d messages lost, in %d reported gaps %s%n", what,
            hosts.isNamespaces() ? "namespaces" : "LOOPBACK", lost, count, gaps.size(), gaps);
    }

    /**
     * Stops {@code child} with SIGSTOP for {@code seconds}, as a long GC pause or a suspended VM would, then
     * lets it go on with SIGCONT.
     */
    private static void stall(final Child child, final long seconds) throws Exception
    {
        signal(child, "STOP");
        try
        {
            Thread.sleep(seconds * 1_000); // the stall itself, not a wait for a condition
        }
        finally
        {
            signal(child, "CONT");
        }
    }

    /** The one line of a bridge whose thread was held up past Aeron's client timeout: what closed, and why. */
    private static void assertStalledPastTheClientTimeout(final String line, final String what)
    {
        assertTrue(line.startsWith("mmq: Aeron closed " + what + " (") &&
            line.endsWith("): the bridge's thread was held up past Aeron's 10 s client timeout (a long GC pause, a " +
                "stopped process?); start the bridge again"), line);
    }

    private static void signal(final Child child, final String signal) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.process().pid()))
            .redirectErrorStream(true).start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + ": " + new String(kill.getInputStream().readAllBytes()));
    }

    /** @return the one line {@code child} printed on standard error; fails if it printed more (a stack trace) or none. */
    private static String errorLine(final Child child)
    {
        final List<String> lines = child.errors().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, lines.size(), child.name() + ": one line on standard error, no trace: " + child.errors());
        return lines.get(0);
    }

    /** Waits for a line of {@code child} that starts with {@code prefix} and passes {@code test}. */
    private static String awaitLine(final Child child, final String prefix, final Predicate<String> test,
        final long seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true)
        {
            final String line = child.awaitLine(prefix, Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L));
            if (test.test(line))
            {
                return line;
            }
            assertTrue(System.nanoTime() - deadline < 0, child.name() + ": no such line within " + seconds + " s: " +
                child.output());
        }
    }
}
