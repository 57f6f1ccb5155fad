package io.mmq.examples.cli;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.mmq.Consumer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.examples.Mmq;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.process.Child;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq publish} in its own process, stopped by a signal as Ctrl-C would: it says how many messages
 * it published, exactly the number the queue holds.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX signals")
class PublishTailSignalTest
{
    private static final int SIGINT_EXIT = 128 + 2;

    @TempDir
    Path directory;

    @Test
    void aPublishStoppedByCtrlCWhileWaitingForInputSaysHowManyItPublished() throws Exception
    {
        final Path file = queue(64 * 1024);
        try (MappedQueue queue = MappedQueue.open(file); Consumer reader = queue.consumer(StartPosition.LATEST);
             Child publish = Child.start("publish", Mmq.class, "publish", file))
        {
            final OutputStream stdin = publish.process().getOutputStream();
            stdin.write(new byte[] {(byte)0xff, (byte)0xfe, '\n', 'a', '\r', '\n', '\n'});
            stdin.flush();
            final List<String> received = new ArrayList<>();
            awaitCondition(() ->
            {
                reader.poll((buffer, offset, length) ->
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    received.add(HexFormat.of().formatHex(bytes));
                }, 10);
                return received.size() == 3;
            }, "the three lines published");
            assertEquals(List.of("fffe", "610d", ""), received, "standard input's bytes, as they were");

            signal(publish, "INT");
            assertEquals(SIGINT_EXIT, publish.awaitExit(30), publish.errors());
            assertEquals("mmq: " + file + ": interrupted; published 3 messages\n", publish.errors());
        }
    }

    @Test
    void aPublishStoppedByCtrlCOnAFullRingSaysExactlyHowManyMessagesTheQueueHolds() throws Exception
    {
        final Path file = queue(4096);
        final StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            lines.append(String.format("%03d", i)).append("x".repeat(97)).append('\n');
        }
        try (MappedQueue queue = MappedQueue.open(file); Consumer stalled = queue.consumer(StartPosition.LATEST);
             Child publish = Child.start("publish", Mmq.class, "publish", file, "--timeout", "60"))
        {
            final OutputStream stdin = publish.process().getOutputStream();
            stdin.write(lines.toString().getBytes(StandardCharsets.US_ASCII)); // less than a pipe holds
            stdin.flush();
            awaitCondition(queue.counters()::producerAwaitsSpace, "the publish to wait on the full ring");

            signal(publish, "INT");
            assertEquals(SIGINT_EXIT, publish.awaitExit(30), publish.errors());
            final String error = publish.errors();
            final String prefix = "mmq: " + file + ": interrupted; published ";
            assertTrue(error.startsWith(prefix) && error.endsWith(" messages\n"), error);
            final int published = Integer.parseInt(error.substring(prefix.length(), error.length() - " messages\n".length()));
            final List<String> held = new ArrayList<>();
            stalled.poll((buffer, offset, length) -> held.add(buffer.getStringWithoutLengthUtf8(offset, 3)), 1000);
            assertEquals(published, held.size(), "the count it gave is what the queue holds");
            assertTrue(published > 1 && published < 100, error);
            assertEquals(String.format("%03d", published - 1), held.get(held.size() - 1), "in order, none lost");
        }
    }

    private Path queue(final int capacity)
    {
        final Path file = directory.resolve("q.mmq");
        MappedQueue.create(file, QueueOptions.defaults().withCapacity(capacity).withConsumerSlots(4)).close();
        return file;
    }

    private static void signal(final Child child, final String signal) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(child.process().pid()))
            .redirectErrorStream(true).start();
        assertEquals(0, kill.waitFor(), "kill -s " + signal + ": " + new String(kill.getInputStream().readAllBytes()));
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadline < 0, "waited 60 s for " + what);
            Thread.sleep(1);
        }
    }
}
