package io.mmq.examples.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import io.mmq.Consumer;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueFormatException;
import io.mmq.QueueOptions;
import io.mmq.SlowConsumerPolicy;
import io.mmq.StartPosition;
import io.mmq.examples.Requirement;
import io.mmq.mmap.CheckedMessages;
import io.mmq.mmap.FileBytes;
import io.mmq.mmap.MappedQueue;
import io.mmq.mmap.QueueCounters;
import io.mmq.mmap.TempQueues;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.ProducerProcess;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.mmq.mmap.process.Child.field;
import static org.junit.jupiter.api.Assertions.*;

/**
 * docs/format.md against the Java implementation: {@code src/test/c/mmq_read.c}, a reader written in C from
 * the document alone (never from the Java code), reads what the Java producer writes, as a separate process,
 * and must agree with it and with Java's own reader byte for byte: live over many laps of a small ring, after
 * the fact from the Join Position, on damaged frames and headers, and when evicted. When this test fails,
 * the document and the implementation have drifted apart: decide which is right from the document, and fix
 * the C reader only to follow the document (its header comment says so).
 *
 * <p>Needs gcc (skipped, with the reason, without it; failed in CI, which has it). Linux only: the C reader sleeps on a futex.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the C reader calls Linux's futex (docs/windows.md)")
class CReaderConformanceTest
{
    private static final Path SOURCE = Path.of("src", "test", "c", "mmq_read.c").toAbsolutePath();
    private static final Path PROGRAM = Path.of("target", "mmq-read").toAbsolutePath();
    private static final long SEED = 20261201L;
    private static final int EXIT_REFUSED = 2;
    private static final int EXIT_CORRUPT = 3;
    private static final int EXIT_EVICTED = 4;

    private Path directory;
    private final List<Child> children = new ArrayList<>();
    private final List<Process> readers = new ArrayList<>();

    /** One message as a reader delivered it, or as the producer sent it (position -1 when unknown). */
    record Message(long position, int length, long crc)
    {
        Message withoutPosition()
        {
            return new Message(-1, length, crc);
        }
    }

    /** What the C reader printed: its start, its messages, its last line, and its exit code. */
    record Read(long start, List<Message> messages, String last, int exit, String errors)
    {
        List<Message> withoutPositions()
        {
            return messages.stream().map(Message::withoutPosition).toList();
        }
    }

    @BeforeAll
    static void compile() throws Exception
    {
        final Process gcc;
        try
        {
            gcc = new ProcessBuilder("gcc", "-O2", "-std=c11", "-Wall", "-Werror", "-o", PROGRAM.toString(),
                SOURCE.toString()).redirectErrorStream(true).start();
        }
        catch (final IOException noGcc)
        {
            Requirement.require(false, "gcc is not installed, so the C reader of docs/format.md cannot be checked: " + noGcc);
            return;
        }
        final String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS), "gcc did not finish in 60 s");
        assertEquals(0, gcc.exitValue(), "gcc -O2 -std=c11 -Wall -Werror " + SOURCE + ":\n" + output);
    }

    @BeforeEach
    void createDirectory() throws IOException
    {
        directory = TempQueues.directory();
    }

    @AfterEach
    void cleanUp() throws Exception
    {
        children.forEach(Child::close);
        for (final Process reader : readers)
        {
            reader.destroyForcibly().waitFor();
        }
        TempQueues.delete(directory);
    }

    /**
     * (a) The C reader joins first, at the earliest position, and reads live while a Java producer in another
     * JVM ({@link ProducerProcess}) publishes messages of every length from 0 to the largest over hundreds of
     * laps of a 4 KiB ring, held back by the C reader's Position: the same messages, in order, at the positions
     * *Publishing* puts them (padding frames included).
     */
    @Test
    void readingLiveTheCReaderGetsEveryMessageAJavaProducerInAnotherProcessPublishesOverManyLaps() throws Exception
    {
        final int capacity = 4096;
        final int maxMessage = capacity / 8;
        final int count = 20_000;
        final Path file = create("live.mmq", QueueOptions.defaults().withCapacity(capacity)
            .withMaxMessageLength(maxMessage).withConsumerSlots(4));

        final CReader reader = startReader("live", "--follow", "--max", String.valueOf(count), file.toString());
        assertEquals(0, field(reader.awaitJoined(30), "position"), "joined at earliest in a new queue");
        final Child producer = start(Child.start("java-producer", ProducerProcess.class, file, SEED, maxMessage, count, -1));
        final String done = producer.awaitLine("DONE", 120);
        assertEquals(0, producer.awaitExit(30), producer.errors());
        assertTrue(field(done, "backPressured") > 0, "the C reader held the producer back: " + done);

        final Read read = reader.await(60);
        assertEquals(0, read.exit(), read.errors());
        final List<Message> sent = sent(SEED, maxMessage, count);
        final Layout layout = Layout.of(sent, capacity);
        assertMessages(layout.messages(), read.messages(), "C reader, live");
        assertEquals("end position=" + layout.end() + " messages=" + count + " paddings=" + layout.paddings(),
            read.last(), "where it stopped and how many padding frames it skipped");
        assertTrue(layout.paddings() > count / 20, "the traffic makes padding frames: " + layout.paddings());
        assertTrue(layout.end() / capacity > 500, "over many laps: " + layout.end() / capacity);
        System.out.println("C reader, live: " + count + " messages, " + layout.paddings() + " padding frames, " +
            layout.end() / capacity + " laps of a " + capacity + "-byte ring; " + done);
    }

    /**
     * (b) After the producer is gone, the C reader joining at the Join Position ("earliest") and Java's own
     * consumer joining at {@link StartPosition#EARLIEST} start at the same place and read the same messages:
     * the newest ones the producer sent, up to its last.
     */
    @Test
    void afterTheFactTheCReaderAndJavasConsumerReadTheSameMessagesFromTheJoinPosition() throws Exception
    {
        final int capacity = 64 * 1024;
        final int maxMessage = capacity / 8;
        final int count = 3_000;
        final Path file = create("after.mmq", QueueOptions.defaults().withCapacity(capacity)
            .withMaxMessageLength(maxMessage).withConsumerSlots(2));
        publish(file, SEED + 1, maxMessage, count);

        final Read c = readOnce(file);
        assertEquals(0, c.exit(), c.errors());
        final JavaRead java = readWithJava(file);
        assertNull(java.error(), "Java read the intact queue to its end");
        assertEquals(java.start(), c.start(), "both join at the Join Position");
        assertEquals(java.messages(), c.withoutPositions(), "the same messages, in order");

        final List<Message> sent = sent(SEED + 1, maxMessage, count);
        final Layout layout = Layout.of(sent, capacity);
        assertTrue(c.messages().size() > 8 && c.messages().size() < count, "a ring's worth: " + c.messages().size());
        final List<Message> newest = layout.messages().subList(count - c.messages().size(), count);
        assertMessages(newest, c.messages(), "C reader, after the fact");
        assertTrue(c.last().startsWith("end position=" + layout.end() + " "), c.last());
    }

    /**
     * The damage each frame check of *Reading* step 3 must catch, on a queue laid out by hand (a 4 KiB ring,
     * messages of at most 512 bytes) so that each damaged frame is a known one.
     */
    enum FrameDamage
    {
        /** The message at 3392, in lap 0, says lap 1. */
        LAP_FROM_THE_NEXT_LAP(3392, 5, 1, 1),
        /** The message at 4096, in lap 1, says lap 0: an old frame where a new one should be. */
        LAP_FROM_THE_PREVIOUS_LAP(4096, 5, 1, 0),
        /** The message at 3600 (offset 3600) says 504 bytes: within Max Message Length, but past the ring's end. */
        LENGTH_BEYOND_THE_RING(3600, 0, 4, 504),
        /** The message at 3080 says 8 + 512 + 1 bytes: one more than Max Message Length. */
        LENGTH_BEYOND_MAX_MESSAGE(3080, 0, 4, 8 + 512 + 1),
        /** The message at 4616 says 4 bytes, shorter than its own header. */
        LENGTH_BELOW_THE_HEADER(4616, 0, 4, 4),
        /** The message at 4632 says a negative length. */
        NEGATIVE_LENGTH(4632, 0, 4, -8),
        /** The padding frame at 3648 stops 8 bytes short of the ring's end. */
        PADDING_SHORT_OF_THE_END(3648, 0, 4, 4096 - 3648 - 8),
        /** The message at 4648 has type 3, neither MESSAGE nor PADDING. */
        UNKNOWN_TYPE(4648, 4, 1, 3);

        final long position;
        final int at;
        final int size;
        final int value;

        FrameDamage(final long position, final int at, final int size, final int value)
        {
            this.position = position;
            this.at = at;
            this.size = size;
            this.value = value;
        }
    }

    /** Message lengths for {@link FrameDamage}: frames at 0, 8, 520, ..., 3080, 3392, 3600, padding at 3648, 4096, 4616, ... */
    private static final int[] HAND_LAID_LENGTHS = {0, 504, 504, 504, 504, 504, 504, 300, 200, 40, 512, 7, 8, 9, 511, 1, 100};

    /**
     * (c) A damaged frame stops the C reader with its corrupt-frame exit code and a line naming the frame's
     * position, after exactly the messages before it; Java's consumer delivers the same messages and refuses the
     * same frame.
     */
    @ParameterizedTest
    @EnumSource(FrameDamage.class)
    void aDamagedFrameStopsTheCReaderAtItsPositionAsItStopsJavasConsumer(final FrameDamage damage) throws Exception
    {
        final int capacity = 4096;
        final Path file = create("damaged.mmq", QueueOptions.defaults().withCapacity(capacity)
            .withMaxMessageLength(capacity / 8).withConsumerSlots(2));
        final List<Message> sent = new ArrayList<>();
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            for (final int length : HAND_LAID_LENGTHS)
            {
                final byte[] bytes = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    bytes[i] = (byte)(sent.size() * 31 + i);
                }
                assertTrue(producer.offer(new UnsafeBuffer(bytes), 0, length) > 0);
                sent.add(new Message(-1, length, crc(bytes, length)));
            }
        }
        final Layout layout = Layout.of(sent, capacity);
        assertEquals(List.of(0L, 8L, 520L, 1032L, 1544L, 2056L, 2568L, 3080L, 3392L, 3600L, 4096L, 4616L, 4632L, 4648L,
            4672L, 5192L, 5208L), layout.messages().stream().map(Message::position).toList(), "the layout the cases name");
        final long join = FileBytes.readLong(file, 136);
        assertTrue(join <= 3080, "the producer kept the frames the cases damage: Join Position " + join);

        final int ringOffset = FileBytes.readInt(file, 32);
        final int at = ringOffset + (int)(damage.position & (capacity - 1)) + damage.at;
        if (damage.size == 1)
        {
            final int word = FileBytes.readInt(file, at & ~3);
            final int shift = 8 * (at & 3);
            FileBytes.writeInt(file, at & ~3, (word & ~(0xFF << shift)) | (damage.value << shift));
        }
        else
        {
            FileBytes.writeInt(file, at, damage.value);
        }

        final Read c = readOnce(file);
        assertEquals(EXIT_CORRUPT, c.exit(), damage + ": " + c.last() + "\n" + c.errors());
        assertTrue(c.last().startsWith("corrupt position=" + damage.position + " "), damage + ": " + c.last());
        assertTrue(c.errors().contains(file.toString()) && c.errors().contains("position " + damage.position),
            "the error names the file and the position: " + c.errors());
        final List<Message> before = layout.messages().stream()
            .filter(m -> m.position() >= join && m.position() < damage.position).toList();
        assertMessages(before, c.messages(), damage + ", C reader");

        final JavaRead java = readWithJava(file);
        assertNotNull(java.error(), damage + ": Java's consumer refuses the frame too");
        assertTrue(java.error() instanceof QueueFormatException &&
            java.error().getMessage().contains("position " + damage.position), damage + ": " + java.error());
        assertEquals(java.messages(), c.withoutPositions(), damage + ": the same messages before it");
    }

    /** A header each reader must refuse (*Validating a file before use*), as the C reader's exit code 2. */
    enum HeaderDamage
    {
        MAGIC(0, 'm'),
        FORMAT_VERSION(8, 8),
        HEADER_LENGTH(12, 255),
        RING_CAPACITY(16, 4096 + 8),
        MAX_MESSAGE_LENGTH(20, 512 + 1),
        CONSUMER_SLOTS(24, 0),
        SLOT_LENGTH(28, 64),
        RING_OFFSET(32, 8192),
        /** One byte short of a largest frame rounded up to 8 (align8(8 + 509) = 520): too small. */
        EVICTION_LAG_BELOW_A_LARGEST_FRAME(40, 517),
        EVICTION_LAG_ABOVE_THE_CAPACITY(40, 4096 + 8),
        CREATION_ID_ZERO(48, 0),
        /** Not a field: the file is 8 bytes longer than its header describes. */
        FILE_LENGTH(-1, 8);

        final int offset;
        final int value;

        HeaderDamage(final int offset, final int value)
        {
            this.offset = offset;
            this.value = value;
        }
    }

    @ParameterizedTest
    @EnumSource(HeaderDamage.class)
    void aDamagedHeaderIsRefusedByTheCReaderAsByJava(final HeaderDamage damage) throws Exception
    {
        final Path file = create("header.mmq", QueueOptions.defaults().withCapacity(4096).withMaxMessageLength(
            damage == HeaderDamage.EVICTION_LAG_BELOW_A_LARGEST_FRAME ? 509 : 512).withConsumerSlots(2));
        if (damage == HeaderDamage.FILE_LENGTH)
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND))
            {
                channel.write(java.nio.ByteBuffer.allocate(damage.value));
            }
        }
        else if (damage.offset == 40 || damage.offset == 48)
        {
            FileBytes.writeLong(file, damage.offset, damage.value);
        }
        else
        {
            FileBytes.writeInt(file, damage.offset, damage.value);
        }
        final Read c = readOnce(file);
        assertEquals(EXIT_REFUSED, c.exit(), damage + ": " + c.last() + "\n" + c.errors());
        assertTrue(c.errors().startsWith("mmq_read: " + file + ": "), damage + ": " + c.errors());
        assertNull(c.last(), damage + ": it printed nothing: " + c.messages());
        assertThrows(QueueFormatException.class, () -> MappedQueue.open(file).close(), damage + ": Java refuses it");
    }

    /**
     * (d) Under an eviction policy, a C reader whose standard output nobody drains falls behind (if the
     * producer, running flat out, has not left it behind already); the Java producer evicts it and goes on
     * without ever being held back, and the C reader, drained at last, says it was evicted at the position of
     * the first message it did not deliver: every message before it was delivered, in order, intact.
     */
    @Test
    void aCReaderThatFallsBehindIsEvictedAndSaysWhereItsLossBegins() throws Exception
    {
        final int capacity = 64 * 1024;
        final int maxMessage = 1024;
        final int count = 20_000;
        final Path file = create("evict.mmq", QueueOptions.defaults().withCapacity(capacity).withMaxMessageLength(maxMessage)
            .withConsumerSlots(2).withSlowConsumerPolicy(SlowConsumerPolicy.evictAfterLag(capacity / 4)));
        final Path errors = directory.resolve("c-reader.err");
        final Process reader = new ProcessBuilder(PROGRAM.toString(), "--follow", file.toString())
            .redirectError(errors.toFile()).start();
        try
        {
            final BufferedReader output = new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8));
            final String joined = output.readLine();
            assertNotNull(joined, "the C reader printed nothing: " + Files.readString(errors));

            final int slot = (int)field(joined, "slot");

            final CheckedMessages messages = new CheckedMessages(SEED + 2, maxMessage);
            try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
            {
                final UnsafeBuffer message = new UnsafeBuffer(new byte[maxMessage]);
                boolean paced = true;
                for (long seq = 0; seq < count; seq++)
                {
                    final int length = messages.write(message, 0, seq);
                    final long position = producer.offer(message, 0, length);
                    assertTrue(position > 0, "held back at message " + seq);
                    if (paced && seq % 16 == 15)
                    {
                        // Wait for the reader while it keeps up, so that it falls behind because its output is
                        // full, not because this producer outran it from the start.
                        paced = awaitReader(queue.counters(), slot, position);
                    }
                }
            }

            final List<String> lines = output.lines().toList(); // drained at last: the reader goes on, and stops
            assertTrue(reader.waitFor(60, TimeUnit.SECONDS), "the C reader stopped");
            final Read read = parse(joined, lines, reader.exitValue(), Files.readString(errors));
            assertEquals(EXIT_EVICTED, read.exit(), read.last() + "\n" + read.errors());
            final int delivered = read.messages().size();
            assertTrue(delivered > 0 && delivered < count, "it kept up until its output was full, then fell behind: " +
                delivered);
            final Layout layout = Layout.of(sent(SEED + 2, maxMessage, count), capacity);
            assertMessages(layout.messages().subList(0, delivered), read.messages(), "C reader, until evicted");

            final long evictedAt = field(read.last(), "position");
            final Message last = delivered == 0 ? null : layout.messages().get(delivered - 1);
            final long endOfLast = null == last ? 0 : last.position() + align8(8 + last.length());
            assertTrue(evictedAt == endOfLast || evictedAt == layout.messages().get(delivered).position(),
                "evicted at " + evictedAt + ": the end of its last message (" + endOfLast + ") or where the next one is");
            System.out.println("C reader, evicted at position " + evictedAt + " after " + delivered + " messages");
        }
        finally
        {
            reader.destroyForcibly().waitFor();
        }
    }

    // ---- helpers ----

    /**
     * @return true once the consumer in {@code slot} has read up to {@code position}, false if it made no
     *         progress for a second.
     */
    private static boolean awaitReader(final QueueCounters counters, final int slot, final long position)
        throws InterruptedException
    {
        long seen = counters.consumerPosition(slot);
        long progressed = System.nanoTime();
        while (seen < position)
        {
            if (System.nanoTime() - progressed > 1_000_000_000L)
            {
                return false;
            }
            Thread.sleep(1);
            final long now = counters.consumerPosition(slot);
            if (now != seen)
            {
                seen = now;
                progressed = System.nanoTime();
            }
        }
        return true;
    }

    /** Where *Publishing* puts each message, and the padding frames it writes on the way. */
    record Layout(List<Message> messages, long end, long paddings)
    {
        static Layout of(final List<Message> sent, final int capacity)
        {
            final List<Message> placed = new ArrayList<>();
            long position = 0;
            long paddings = 0;
            for (final Message message : sent)
            {
                final long aligned = align8(8 + message.length());
                final long offset = position & (capacity - 1);
                if (offset + aligned > capacity)
                {
                    position += capacity - offset;
                    paddings++;
                }
                placed.add(new Message(position, message.length(), message.crc()));
                position += aligned;
            }
            return new Layout(placed, position, paddings);
        }
    }

    /** What Java's consumer read from earliest: where it joined, its messages, and the exception that stopped it. */
    record JavaRead(long start, List<Message> messages, MmqException error)
    {
    }

    private static long align8(final long n)
    {
        return (n + 7) & ~7L;
    }

    private static long crc(final byte[] bytes, final int length)
    {
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

    /** The messages {@link CheckedMessages} makes, as {@link ProducerProcess} sends them. */
    private static List<Message> sent(final long seed, final int maxMessage, final int count)
    {
        final CheckedMessages messages = new CheckedMessages(seed, maxMessage);
        final byte[] bytes = new byte[maxMessage];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final List<Message> sent = new ArrayList<>(count);
        for (long seq = 0; seq < count; seq++)
        {
            final int length = messages.write(buffer, 0, seq);
            sent.add(new Message(-1, length, crc(bytes, length)));
        }
        return sent;
    }

    private static void assertMessages(final List<Message> expected, final List<Message> actual, final String who)
    {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++)
        {
            assertEquals(expected.get(i), actual.get(i), who + ": message " + i + " of " + expected.size());
        }
        assertEquals(expected.size(), actual.size(), who + ": messages");
    }

    private Path create(final String name, final QueueOptions options)
    {
        final Path file = directory.resolve(name);
        MappedQueue.create(file, options).close();
        return file;
    }

    private static void publish(final Path file, final long seed, final int maxMessage, final int count)
    {
        final CheckedMessages messages = new CheckedMessages(seed, maxMessage);
        try (MappedQueue queue = MappedQueue.open(file); Producer producer = queue.producer())
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[maxMessage]);
            for (long seq = 0; seq < count; seq++)
            {
                assertTrue(producer.offer(message, 0, messages.write(message, 0, seq)) > 0, "no consumer holds it back");
            }
        }
    }

    private Child start(final Child child)
    {
        children.add(child);
        return child;
    }

    /** Runs the C reader once, without --follow: it reads to the tail (or the first bad frame) and stops. */
    private Read readOnce(final Path file) throws Exception
    {
        return startReader("once", file.toString()).await(60);
    }

    private CReader startReader(final String name, final String... arguments) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(PROGRAM.toString());
        command.addAll(List.of(arguments));
        final Path output = Files.createTempFile(directory, name, ".out");
        final Path errors = Files.createTempFile(directory, name, ".err");
        final CReader reader = new CReader(new ProcessBuilder(command).redirectOutput(output.toFile())
            .redirectError(errors.toFile()).start(), output, errors);
        readers.add(reader.process());
        return reader;
    }

    /**
     * The C reader as a process whose standard output and error go to files, so that nothing it prints can
     * hold it up, and both are complete once it has exited.
     */
    record CReader(Process process, Path output, Path errors)
    {
        String awaitJoined(final long seconds) throws Exception
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true)
            {
                final String printed = Files.readString(output);
                if (printed.indexOf('\n') > 0)
                {
                    return printed.substring(0, printed.indexOf('\n'));
                }
                assertTrue(process.isAlive() && System.nanoTime() < deadline, "the C reader did not join: " +
                    Files.readString(errors));
                Thread.sleep(10);
            }
        }

        Read await(final long seconds) throws Exception
        {
            assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "the C reader still runs after " + seconds + " s");
            final List<String> lines = new ArrayList<>(Files.readAllLines(output));
            final String joined = lines.isEmpty() ? null : lines.remove(0);
            return parse(joined, lines, process.exitValue(), Files.readString(errors));
        }
    }

    private static Read parse(final String joined, final List<String> lines, final int exit, final String errors)
    {
        if (null == joined)
        {
            return new Read(-1, List.of(), null, exit, errors);
        }
        assertTrue(joined.startsWith("joined slot="), joined);
        final List<Message> messages = new ArrayList<>();
        String last = null;
        for (final String line : lines)
        {
            assertNull(last, "nothing after the last line '" + last + "': " + line);
            if (line.startsWith("message "))
            {
                messages.add(new Message(field(line, "position"), (int)field(line, "length"), field(line, "crc")));
            }
            else
            {
                last = line;
            }
        }
        assertNotNull(last, "no last line; stderr: " + errors);
        return new Read(field(joined, "position"), messages, last, exit, errors);
    }

    private static JavaRead readWithJava(final Path file)
    {
        final List<Message> messages = new ArrayList<>();
        long start = -1;
        try (MappedQueue queue = MappedQueue.open(file); Consumer consumer = queue.consumer(StartPosition.EARLIEST))
        {
            start = consumer.position();
            final byte[] bytes = new byte[queue.options().maxMessageLength()];
            while (consumer.poll((buffer, offset, length) ->
            {
                buffer.getBytes(offset, bytes, 0, length);
                messages.add(new Message(-1, length, crc(bytes, length)));
            }, 64) > 0)
            {
                // to the tail
            }
            return new JavaRead(start, messages, null);
        }
        catch (final MmqException refused)
        {
            return new JavaRead(start, messages, refused);
        }
    }
}
