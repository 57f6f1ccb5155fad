package io.mmq.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmq.Consumer;
import io.mmq.StartPosition;
import io.mmq.examples.Mmq;
import io.mmq.mmap.MappedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The command-line tool: what each command prints, and that every user mistake is one line on standard
 * error with exit code 2, never a stack trace.
 */
class MmqCommandTest
{
    @TempDir
    Path directory;

    private final MmqRun mmq = new MmqRun();

    @Test
    void linesPublishedAreTailedBackAndStatShowsTheQueue() throws Exception
    {
        final String file = directory.resolve("q.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "64k", "--consumers", "4"));
        assertTrue(mmq.out().contains("ring 65,536 B, messages up to 8,192 B, 4 consumer slots"), mmq.out());

        final Path lines = directory.resolve("lines.txt");
        Files.write(lines, List.of("hello", "", "wörld"));
        assertEquals(0, mmq.run("publish", file, "--input", lines.toString()));
        assertTrue(mmq.err().contains("published 3 messages"), mmq.err());

        assertEquals(0, mmq.run("tail", file, "--from", "EARLIEST", "--count", "3"));
        assertEquals(List.of("hello", "", "wörld"), mmq.out().lines().toList());
        assertEquals(0, mmq.run("tail", file, "--from", "EARLIEST", "--count", "3", "--format", "length"));
        assertEquals(List.of("5", "0", "6"), mmq.out().lines().toList());
        assertEquals(0, mmq.run("tail", file, "--from", "EARLIEST", "--count", "1", "--format", "hex"));
        assertEquals(List.of("68 65 6c 6c 6f"), mmq.out().lines().toList());

        assertEquals(0, mmq.run("stat", file));
        assertTrue(mmq.out().contains("format 7  ring 65,536 B  max message 8,192 B  slots 4  slow consumers: block  id "), mmq.out());
        try (MappedQueue queue = MappedQueue.open(Path.of(file)))
        {
            assertTrue(mmq.out().contains(String.format("  id %016x%n", queue.creationId())), mmq.out());
        }
        assertTrue(mmq.out().contains("producer  position 40"), mmq.out());
        assertTrue(mmq.out().contains("0 of 4 consumer slots held"), mmq.out());

        assertEquals(0, mmq.run("delete", file));
        assertFalse(Files.exists(Path.of(file)));
    }

    @Test
    void tailAsAGroupMemberSharesTheStreamAndStatShowsTheGroup() throws Exception
    {
        final String file = directory.resolve("group.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "64k", "--consumers", "4"));
        assertEquals(0, mmq.run("flood", file, "--messages", "10", "--size", "8"));
        assertEquals(0, mmq.run("tail", file, "--group", "workers", "--from", "EARLIEST", "--count", "4", "--format", "length"));
        assertEquals(4, mmq.out().lines().count());
        assertEquals(0, mmq.run("tail", file, "--group", "workers", "--count", "6", "--format", "length"));
        assertEquals(6, mmq.out().lines().count(), "the next member goes on where the group is, whatever --from says");

        assertEquals(0, mmq.run("stat", file));
        assertTrue(mmq.out().contains("group       0 'workers'  unclaimed from 160  lag 0 B  orphaned claims 0"), mmq.out());
        assertEquals(0, mmq.run("delete-consumer", file, "workers"));
        assertEquals("deleted consumer group 'workers' of " + file, mmq.out().strip());
        assertEquals(0, mmq.run("stat", file));
        assertTrue(mmq.out().contains("0 of 4 consumer slots held"), mmq.out());
        assertOneLineError("cannot be used together", "tail", file, "--group", "g", "--name", "n");
    }

    @Test
    void floodPublishesFixedSizeMessagesForBenchmarks() throws Exception
    {
        final String file = directory.resolve("flood.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "64k"));
        assertEquals(0, mmq.run("flood", file, "--messages", "100", "--size", "32"));
        assertTrue(mmq.out().startsWith("published 100 messages of 32 bytes"), mmq.out());
        assertEquals(0, mmq.run("tail", file, "--from", "EARLIEST", "--count", "100", "--format", "length"));
        assertEquals(100, mmq.out().lines().filter("32"::equals).count());
    }

    @Test
    void everyUserMistakeIsOneLineAndExitCodeTwo() throws Exception
    {
        final Path notAQueue = directory.resolve("notes.txt");
        Files.writeString(notAQueue, "not a queue at all, just some text that is longer than nothing\n".repeat(10));
        final String queue = directory.resolve("q.mmq").toString();
        assertEquals(0, mmq.run("create", queue));

        assertOneLineError("not an mmq queue", "stat", notAQueue.toString());
        assertOneLineError("not an mmq queue", "delete", notAQueue.toString());
        assertTrue(Files.exists(notAQueue), "delete refuses a file that is not a queue");
        assertOneLineError("no queue file there", "tail", directory.resolve("missing.mmq").toString());
        assertOneLineError("already exists", "create", queue);
        assertOneLineError("power of two", "create", directory.resolve("odd.mmq").toString(), "--capacity", "5000");
        assertOneLineError("not a size", "create", directory.resolve("odd.mmq").toString(), "--capacity", "lots");
        assertOneLineError("Missing required parameter", "tail");
        assertOneLineError("Unknown option", "stat", queue, "--bogus");
        assertOneLineError("Unmatched argument", "frobnicate");
        assertOneLineError("a command is required");
    }

    @Test
    void aBridgeThatCannotReachKafkaIsOneLineAndLeavesTheQueueAsItWas() throws Exception
    {
        final Path queue = directory.resolve("q.mmq");
        assertEquals(0, mmq.run("create", queue.toString(), "--capacity", "64k"));
        assertEquals(0, mmq.run("publish", queue.toString(), "--input", writeLines("a", "b").toString()));
        final byte[] before = Files.readAllBytes(queue);
        final int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            closedPort = socket.getLocalPort();
        }
        assertOneLineError("cannot reach Kafka at 127.0.0.1:" + closedPort + " within 1 s",
            "bridge", "--from", queue.toString(), "--to", "kafka://127.0.0.1:" + closedPort + "/orders", "--timeout", "1");
        assertTrue(mmq.out().isEmpty(), mmq.out());
        assertArrayEquals(before, Files.readAllBytes(queue), "no named consumer was left, nothing was written");
        assertEquals(0, mmq.run("stat", queue.toString()));
        assertFalse(mmq.out().contains("bridge:orders"), mmq.out());
    }

    @Test
    void anInboundBridgeRefusedBeforeKafkaOrByItLeavesTheQueueAsItWas() throws Exception
    {
        final Path queue = directory.resolve("in.mmq");
        assertEquals(0, mmq.run("create", queue.toString(), "--capacity", "64k"));
        assertEquals(0, mmq.run("publish", queue.toString(), "--input", writeLines("a", "b").toString()));
        final byte[] before = Files.readAllBytes(queue);
        final int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            closedPort = socket.getLocalPort();
        }
        assertOneLineError("mmq: cannot reach Kafka at 127.0.0.1:" + closedPort + " within 1 s (is a broker there?)",
            "bridge", "--from", "kafka://127.0.0.1:" + closedPort + "/orders", "--to", queue.toString(), "--timeout", "1");
        assertTrue(mmq.out().isEmpty(), mmq.out());
        assertArrayEquals(before, Files.readAllBytes(queue), "the bridge did not become the producer: nothing was written");

        // A queue of format 5 keeps no checkpoint: refused before Kafka is asked anything (the port is closed
        // anyway), the file as it was.
        try (java.io.RandomAccessFile raw = new java.io.RandomAccessFile(queue.toFile(), "rw"))
        {
            raw.seek(8); // the format version, little-endian
            raw.write(new byte[] {5, 0, 0, 0});
        }
        final byte[] old = Files.readAllBytes(queue);
        assertOneLineError("mmq: " + queue + ": this queue file is format version 5, and the inbound bridge keeps its place " +
            "in the queue's checkpoint, which needs version 6; create the queue anew",
            "bridge", "--from", "kafka://127.0.0.1:" + closedPort + "/orders", "--to", queue.toString(), "--timeout", "1");
        assertArrayEquals(old, Files.readAllBytes(queue), "the old queue file is byte for byte as it was");

        // The same for the Aeron inbound bridge, before its media driver starts or any sender connects.
        assertOneLineError("mmq: " + queue + ": this queue file is format version 5, and the inbound bridge keeps its place " +
            "in the queue's checkpoint, which needs version 6; create the queue anew",
            "bridge", "--from", "aeron:udp?endpoint=127.0.0.1:" + closedPort, "--to", queue.toString(), "--timeout", "1",
            "--aeron-dir", directory.resolve("aeron").toString());
        assertArrayEquals(old, Files.readAllBytes(queue), "the old queue file is byte for byte as it was");
    }

    private Path writeLines(final String... lines) throws Exception
    {
        final Path file = Files.createTempFile(directory, "lines", ".txt");
        Files.write(file, List.of(lines));
        return file;
    }

    @Test
    void statShowsTheQueuesBridgesFromTheirStatusFiles() throws Exception
    {
        final String file = directory.resolve("bridged.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "64k"));
        final io.mmq.bridge.BridgeStatus status = io.mmq.bridge.BridgeStatus.start(Path.of(file), "bridge:orders", "mmq.out()",
            file, "kafka://127.0.0.1:9092/orders");
        status.update("forwarded=7 inflight=1 lag=64");

        assertEquals(0, mmq.run("stat", file));
        assertTrue(mmq.out().contains("bridge   'bridge:orders'  mmq.out() " + file + " -> kafka://127.0.0.1:9092/orders  running, pid " +
            ProcessHandle.current().pid()), mmq.out());
        assertTrue(mmq.out().contains("forwarded=7 inflight=1 lag=64"), mmq.out());

        status.stop("forwarded=8 inflight=0 lag=0");
        assertEquals(0, mmq.run("stat", file));
        assertTrue(mmq.out().contains("kafka://127.0.0.1:9092/orders  stopped, pid"), mmq.out());

        assertEquals(0, mmq.run("delete", file));
        assertTrue(mmq.out().contains("deleted the status files of 1 bridge(s)"), mmq.out());
        assertFalse(Files.exists(io.mmq.bridge.BridgeStatus.directoryOf(Path.of(file))));
    }

    @Test
    void aLineLongerThanTheLargestMessageStopsThePublishNamingTheQueueAndWhatWasPublishedBeforeIt() throws Exception
    {
        final String file = directory.resolve("small.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "4k"));
        final Path lines = directory.resolve("long.txt");
        Files.write(lines, List.of("short", "x".repeat(1000), "after"));
        assertOneLineError("mmq: " + file + ": line 2 is 1000 bytes, more than the queue's largest message (512 bytes); " +
            "published 1 message before it", "publish", file, "--input", lines.toString());
        assertEquals(List.of("short"), messages(file), "the lines before it are in the queue, none after");
    }

    @Test
    void publishedLinesAreTheirBytesUnchangedWithoutTheNewline() throws Exception
    {
        final String file = directory.resolve("bytes.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "64k"));
        final Path lines = directory.resolve("bytes.bin");
        Files.write(lines, new byte[] {(byte)0xff, (byte)0xfe, '\n', 'a', '\r', '\n', '\n', 'z', (byte)0xc3});
        assertEquals(0, mmq.run("publish", file, "--input", lines.toString()), mmq.err());
        assertEquals("published 4 messages to " + file, mmq.err().strip());
        try (MappedQueue queue = MappedQueue.open(Path.of(file)); Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            final List<String> hex = new ArrayList<>();
            consumer.poll((buffer, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                hex.add(java.util.HexFormat.of().formatHex(bytes));
            }, 10);
            assertEquals(List.of("fffe", "610d", "", "7ac3"), hex,
                "invalid UTF-8 kept, '\\r' kept, an empty line, a last line without a newline");
        }
    }

    @Test
    void oneMessageIsOneMessage() throws Exception
    {
        final String file = directory.resolve("one.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "64k"));
        assertEquals(0, mmq.run("publish", file, "--input", writeLines("only").toString()));
        assertEquals("published 1 message to " + file, mmq.err().strip());
    }

    @Test
    void anInputThatCannotBeReadIsNamed() throws Exception
    {
        final String file = directory.resolve("q.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "64k"));
        assertOneLineError("mmq: " + directory + ": is a directory, not a file of lines",
            "publish", file, "--input", directory.toString());
        assertEquals(List.of(), messages(file));
    }

    @Test
    void aRingThatStaysFullStopsThePublishSayingHowManyWerePublished() throws Exception
    {
        final String file = directory.resolve("full.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "4k"));
        final String[] lines = new String[100];
        java.util.Arrays.fill(lines, "y".repeat(100));
        try (MappedQueue queue = MappedQueue.open(Path.of(file)); Consumer stalled = queue.consumer(StartPosition.LATEST))
        {
            assertEquals(Mmq.USER_ERROR, mmq.run("publish", file, "--input", writeLines(lines).toString(), "--timeout", "0.2"));
            final java.util.regex.Matcher error = java.util.regex.Pattern.compile(
                "mmq: " + java.util.regex.Pattern.quote(file) + ": the ring stayed full for 0.2 s at line (\\d+); " +
                    "published (\\d+) messages before it; are its consumers reading\\?").matcher(mmq.err().strip());
            assertTrue(error.matches(), mmq.err());
            final int published = Integer.parseInt(error.group(2));
            assertEquals(published + 1, Integer.parseInt(error.group(1)));
            assertEquals(published, stalled.poll((buffer, offset, length) -> { }, 1000),
                "the count is what the ring holds");
            assertTrue(published > 1 && published < 100, mmq.err());
        }
    }

    @Test
    void negativeCountsAndTimesAreRefusedNamingTheOption() throws Exception
    {
        final String file = directory.resolve("q.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "64k"));
        assertOneLineError("mmq: --count must be 0 or more, not -1", "tail", file, "--count", "-1");
        assertOneLineError("mmq: --idle-exit must be 0 or more seconds, not -1 ", "tail", file, "--idle-exit", "-1");
        assertOneLineError("mmq: --timeout must be 0 or more seconds, not -1 ", "publish", file, "--timeout", "-1",
            "--input", writeLines("a").toString());
        assertEquals(List.of(), messages(file), "nothing was published");
    }

    @Test
    void tailTakesTheStartPositionInEitherCase() throws Exception
    {
        final String file = directory.resolve("q.mmq").toString();
        assertEquals(0, mmq.run("create", file, "--capacity", "64k"));
        assertEquals(0, mmq.run("publish", file, "--input", writeLines("a", "b").toString()));
        assertEquals(0, mmq.run("tail", file, "--from", "earliest", "--count", "2"), mmq.err());
        assertEquals(List.of("a", "b"), mmq.out().lines().toList());
        assertEquals(0, mmq.run("tail", file, "--from", "Latest", "--idle-exit", "0"), mmq.err());
        assertEquals(List.of(), mmq.out().lines().toList());
        assertOneLineError("mmq: Invalid value for option '--from': expected one of [LATEST, EARLIEST] (in either case), " +
            "not 'middle'", "tail", file, "--from", "middle");
    }

    /** Every message in the queue file, as UTF-8 text. */
    private static List<String> messages(final String file)
    {
        try (MappedQueue queue = MappedQueue.open(Path.of(file)); Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            final List<String> messages = new ArrayList<>();
            consumer.poll((buffer, offset, length) -> messages.add(buffer.getStringWithoutLengthUtf8(offset, length)), 1000);
            return messages;
        }
    }

    private void assertOneLineError(final String expected, final String... args)
    {
        assertEquals(Mmq.USER_ERROR, mmq.run(args), String.join(" ", args) + ": " + mmq.err());
        final List<String> lines = mmq.err().lines().toList();
        assertEquals(1, lines.size(), "one line: " + mmq.err());
        assertTrue(lines.get(0).startsWith("mmq: ") && lines.get(0).contains(expected), lines.get(0));
    }
}
