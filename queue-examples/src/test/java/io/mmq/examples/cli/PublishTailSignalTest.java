package io.mmq.examples.cli;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mmq.Consumer;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.StartPosition;
import io.mmq.examples.Mmq;
import io.mmq.examples.Await;
import io.mmq.examples.Requirement;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.QueueCounters;
import io.mmq.mmap.process.Child;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq tail} and {@code mmq publish} in their own processes, stopped by a signal as Ctrl-C or a
 * service manager would: tail leaves the queue as a clean close does (no slot held by a dead process), and
 * publish says how many messages it published, exactly the number the queue holds.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX signals")
class PublishTailSignalTest
{
    private static final int SIGINT_EXIT = 128 + 2;
    private static final int SIGTERM_EXIT = 128 + 15;

    @TempDir
    Path directory;

    @Test
    void anAnonymousTailStoppedByCtrlCFreesItsSlot() throws Exception
    {
        final Path file = queue(64 * 1024);
        publish(file, "one", "two", "three");
        try (Child tail = Child.start("tail", Mmq.class, "tail", file, "--from", "earliest");
             MappedQueue queue = MappedQueue.open(file))
        {
            tail.awaitLine("three", 60);
            final QueueCounters counters = queue.counters();
            assertEquals(1, counters.heldSlots(), () -> "the tail holds a slot: " + slots(counters));

            stopQuietly(tail, "INT", List.of("one", "two", "three"));
            assertEquals(0, counters.heldSlots(), () -> "its slot is free, not held by a dead process: " + slots(counters));
        }
    }

    @Test
    void aNamedTailStoppedBySigtermIsLeftDormantWhereItStoppedPrinting() throws Exception
    {
        final Path file = queue(64 * 1024);
        publish(file, "one", "two", "three");
        try (Child tail = Child.start("tail", Mmq.class, "tail", file, "--name", "reader", "--from", "EARLIEST");
             MappedQueue queue = MappedQueue.open(file))
        {
            tail.awaitLine("three", 60);
            publish(file, "four", "five");
            tail.awaitLine("five", 60);

            stopQuietly(tail, "TERM", List.of("one", "two", "three", "four", "five"));
            final QueueCounters counters = queue.counters();
            final int slot = slotNamed(counters, "reader");
            assertEquals("DORMANT", counters.consumerState(slot), () -> "nobody holds it: " + slots(counters));
            assertEquals(counters.producerPosition(), counters.consumerPosition(slot),
                "its place is after the last message it printed");
        }
    }

    @Test
    void aGroupMemberTailStoppedByCtrlCLeavesTheGroupWithNothingUnfinished() throws Exception
    {
        final Path file = queue(64 * 1024);
        final String[] messages = new String[10];
        for (int i = 0; i < messages.length; i++)
        {
            messages[i] = "m" + i;
        }
        publish(file, messages);
        try (Child tail = Child.start("tail", Mmq.class, "tail", file, "--group", "workers", "--from", "earliest");
             MappedQueue queue = MappedQueue.open(file))
        {
            tail.awaitLine("m9", 60);
            final QueueCounters counters = queue.counters();
            assertEquals(2, counters.heldSlots(), () -> "the group and its member: " + slots(counters));

            stopQuietly(tail, "INT", List.of(messages));
            final int group = slotNamed(counters, "workers");
            assertEquals("GROUP", counters.consumerState(group));
            assertEquals(1, counters.heldSlots(), () -> "only the group: the member left, no claim orphaned: " + slots(counters));
            assertEquals(counters.producerPosition(), counters.consumerPosition(group), "the group read everything");
        }
    }

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
            Await.until(() ->
            {
                reader.poll((buffer, offset, length) ->
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    received.add(HexFormat.of().formatHex(bytes));
                }, 10);
                return received.size() == 3;
            }, 60, "the three lines published");
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
            Await.until(queue.counters()::producerAwaitsSpace, 60, "the publish to wait on the full ring");

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

    private static void publish(final Path file, final String... messages)
    {
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            for (final String message : messages)
            {
                final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                assertTrue(producer.offer(new UnsafeBuffer(bytes), 0, bytes.length, 10, TimeUnit.SECONDS) > 0);
            }
        }
    }

    /**
     * Stops a tail with {@code signal} (INT or TERM) as a user would: it exits as a shell reports that signal,
     * says nothing on standard error, and has printed {@code printed}, each line once.
     */
    private static void stopQuietly(final Child tail, final String signal, final List<String> printed) throws Exception
    {
        signal(tail, signal);
        assertEquals("INT".equals(signal) ? SIGINT_EXIT : SIGTERM_EXIT, tail.awaitExit(30), tail.errors());
        assertEquals("", tail.errors());
        assertEquals(printed, tail.output());
    }

    private static void signal(final Child child, final String signal) throws Exception
    {
        if ("INT".equals(signal))
        {
            // A job that a shell without job control put in the background (mvn ... &) starts with SIGINT ignored,
            // and so do its children: their JVM then never hears Ctrl-C, and there is nothing to test.
            Requirement.require(!ignoresSigint(child.process().pid()), "this test's processes start with SIGINT " +
                "ignored (Maven was started in the background by a shell without job control): Ctrl-C cannot be tested here");
        }
        final Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(child.process().pid()))
            .redirectErrorStream(true).start();
        assertEquals(0, kill.waitFor(), "kill -s " + signal + ": " + new String(kill.getInputStream().readAllBytes()));
    }

    /** From {@code /proc/PID/status} (Linux; elsewhere taken as no): whether the process ignores SIGINT (bit 1 of SigIgn). */
    private static boolean ignoresSigint(final long pid) throws java.io.IOException
    {
        final java.nio.file.Path status = java.nio.file.Path.of("/proc", Long.toString(pid), "status");
        if (!java.nio.file.Files.exists(status))
        {
            return false;
        }
        for (final String line : java.nio.file.Files.readAllLines(status))
        {
            if (line.startsWith("SigIgn:"))
            {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    private static int slotNamed(final QueueCounters counters, final String name)
    {
        for (int slot = 0; slot < counters.consumerSlots(); slot++)
        {
            if (name.equals(counters.consumerName(slot)))
            {
                return slot;
            }
        }
        throw new AssertionError("no slot named " + name + ": " + slots(counters));
    }

    private static String slots(final QueueCounters counters)
    {
        final List<String> slots = new ArrayList<>();
        for (int slot = 0; slot < counters.consumerSlots(); slot++)
        {
            slots.add(counters.consumerState(slot) + (counters.consumerAlive(slot) ? "" : " (no live holder)"));
        }
        return slots.toString();
    }
}
