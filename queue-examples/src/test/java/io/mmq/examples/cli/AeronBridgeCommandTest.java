package io.mmq.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.mmq.bridge.aeron.EmbeddedMediaDriver;
import io.mmq.examples.Mmq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq bridge} with Aeron UDP ends, what the user sees when the far side is not there or the bridge's
 * Aeron directory is taken: one line, exit code 2, the queue file byte for byte as it was, no consumer name
 * left behind and no Aeron directory either. (The rest of the command's mistakes are rows of docs/errors.md;
 * the bridges at work are tested, process by process, in queue-bridge.)
 */
class AeronBridgeCommandTest
{
    @TempDir
    Path directory;

    private final MmqRun mmq = new MmqRun();

    private Path queueWithTwoMessages() throws Exception
    {
        final Path queue = directory.resolve("q.mmq");
        assertEquals(0, mmq.run("create", queue.toString(), "--capacity", "64k"));
        final Path lines = directory.resolve("lines.txt");
        Files.write(lines, List.of("a", "b"));
        assertEquals(0, mmq.run("publish", queue.toString(), "--input", lines.toString()));
        return queue;
    }

    private void assertOneLineError(final String expected, final String... args)
    {
        assertEquals(Mmq.USER_ERROR, mmq.run(args), String.join(" ", args) + ": " + mmq.err());
        final List<String> lines = mmq.err().lines().toList();
        assertEquals(1, lines.size(), "one line: " + mmq.err());
        assertTrue(lines.get(0).startsWith("mmq: ") && lines.get(0).contains(expected), lines.get(0));
    }

    @Test
    void anOutboundBridgeThatNoInboundBridgeAnswersIsOneLineAndLeavesTheQueueAsItWas() throws Exception
    {
        final Path queue = queueWithTwoMessages();
        final byte[] before = Files.readAllBytes(queue);
        final int port;
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        final Path aeronDirectory = directory.resolve("aeron");
        final long began = System.nanoTime();
        assertOneLineError("no inbound bridge answered at 127.0.0.1:" + port + " within 1 s",
            "bridge", "--from", queue.toString(), "--to", "aeron:udp?endpoint=127.0.0.1:" + port, "--timeout", "1",
            "--aeron-dir", aeronDirectory.toString());
        assertTrue(System.nanoTime() - began < 10_000_000_000L, "it gave up after about the timeout");
        assertTrue(mmq.out().isEmpty(), mmq.out());
        assertArrayEquals(before, Files.readAllBytes(queue), "no named consumer was made, nothing was written");
        assertFalse(Files.exists(aeronDirectory), "the bridge's driver went with its directory");
        assertEquals(0, mmq.run("stat", queue.toString()));
        assertFalse(mmq.out().contains("bridge:aeron"), mmq.out());
    }

    @Test
    void aBridgeWhoseAeronDirectoryALiveDriverUsesIsRefusedAndTheQueueLeftAsItWas() throws Exception
    {
        final Path queue = queueWithTwoMessages();
        final byte[] before = Files.readAllBytes(queue);
        final Path aeronDirectory = directory.resolve("aeron");
        try (EmbeddedMediaDriver live = EmbeddedMediaDriver.launchForUdp(aeronDirectory))
        {
            assertOneLineError("the Aeron directory " + live.directory() + " is in use by a live media driver",
                "bridge", "--from", "aeron:udp?endpoint=127.0.0.1:40125", "--to", queue.toString(),
                "--aeron-dir", aeronDirectory.toString());
            assertOneLineError("the Aeron directory " + live.directory() + " is in use by a live media driver",
                "bridge", "--from", queue.toString(), "--to", "aeron:udp?endpoint=127.0.0.1:40125",
                "--aeron-dir", aeronDirectory.toString());
            assertTrue(Files.isRegularFile(aeronDirectory.resolve("cnc.dat")), "the live driver's directory is untouched");
        }
        assertArrayEquals(before, Files.readAllBytes(queue), "the queue is untouched");
    }
}
