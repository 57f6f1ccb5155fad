package io.mmq.examples.docs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.mmq.BufferClaim;
import io.mmq.Consumer;
import io.mmq.FlushPolicy;
import io.mmq.GroupOptions;
import io.mmq.Producer;
import io.mmq.QueueOptions;
import io.mmq.ConsumerOptions;
import io.mmq.StartPosition;
import io.mmq.examples.Mmq;
import io.mmq.mmap.MappedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * docs/errors.md against reality: every row of its two tables is run, and must fail with the exception
 * (or, for the command, the exit code 2 and the one line) and the words the row gives.
 */
class ErrorTableTest
{
    private static final Path TABLE = Path.of("..", "docs", "errors.md");
    private static final QueueOptions OPTIONS = QueueOptions.defaults().withCapacity(64 * 1024).withConsumerSlots(1);

    @TempDir
    Path directory;

    private Path queue;
    private Path missing;
    private Path notAQueue;

    @BeforeEach
    void files() throws Exception
    {
        queue = directory.resolve("q.mmq");
        missing = directory.resolve("missing.mmq");
        notAQueue = directory.resolve("notes.txt");
        MappedQueue.create(queue, OPTIONS).close();
        Files.writeString(notAQueue, "not a queue\n");
    }

    /** The calls of the API table, by the text of their first cell. */
    private Map<String, Executable> calls()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16 * 1024]);
        final Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("`QueueOptions.defaults().withCapacity(5000)`", () -> QueueOptions.defaults().withCapacity(5000));
        calls.put("`QueueOptions.defaults().withMaxMessageLength(-1)`", () -> QueueOptions.defaults().withMaxMessageLength(-1));
        calls.put("`QueueOptions.defaults().withConsumerSlots(0)`", () -> QueueOptions.defaults().withConsumerSlots(0));
        calls.put("`QueueOptions.defaults().withPermissions(Set.of(OWNER_READ))`",
            () -> QueueOptions.defaults().withPermissions(Set.of(PosixFilePermission.OWNER_READ)));
        calls.put("`QueueOptions.defaults().withFlushPolicy(null)`", () -> QueueOptions.defaults().withFlushPolicy(null));
        calls.put("`FlushPolicy.every(Duration.ZERO)`", () -> FlushPolicy.every(Duration.ZERO));
        calls.put("`MappedQueue.create(QUEUE, options)`", () -> MappedQueue.create(queue, OPTIONS));
        calls.put("`MappedQueue.create(MISSING, null)`", () -> MappedQueue.create(missing, null));
        calls.put("`MappedQueue.open(MISSING)`", () -> MappedQueue.open(missing));
        calls.put("`MappedQueue.open(NOT_A_QUEUE)`", () -> MappedQueue.open(notAQueue));
        calls.put("`MappedQueue.open(QUEUE, options.withCapacity(8192))`", () -> MappedQueue.open(queue, OPTIONS.withCapacity(8192)));
        calls.put("`queue.producer()` while another producer is open", () -> withQueue(q ->
        {
            q.producer();
            q.producer();
        }));
        calls.put("`queue.consumer(LATEST)` while every slot is held", () -> withQueue(q ->
        {
            q.consumer(StartPosition.LATEST);
            q.consumer(StartPosition.LATEST);
        }));
        calls.put("`queue.consumer((StartPosition)null)`", () -> withQueue(q -> q.consumer((StartPosition)null)));
        calls.put("`queue.consumer((ConsumerOptions)null)`", () -> withQueue(q -> q.consumer((ConsumerOptions)null)));
        calls.put("`ConsumerOptions.named(\"\")`", () -> ConsumerOptions.named(""));
        calls.put("`queue.deleteConsumer(\"nobody\")`", () -> withQueue(q -> q.deleteConsumer("nobody")));
        calls.put("`queue.groupMember(null)`", () -> withQueue(q -> q.groupMember(null)));
        calls.put("`queue.groupMember(GroupOptions.member(\"g\"))` with too few free slots",
            () -> withQueue(q -> q.groupMember(GroupOptions.member("g"))));
        calls.put("`GroupOptions.member(\"\")`", () -> GroupOptions.member(""));
        calls.put("`GroupOptions.member(\"g\").withBatch(0)`", () -> GroupOptions.member("g").withBatch(0));
        calls.put("`queue.producer()` after `queue.close()`", () -> withQueue(q ->
        {
            q.close();
            q.producer();
        }));
        calls.put("`producer.offer(buffer, 0, 8193)`", () -> withQueue(q -> q.producer().offer(buffer, 0, 8193)));
        calls.put("`producer.attachCheckpoint(-5)`", () -> withQueue(q -> q.producer().attachCheckpoint(-5)));
        calls.put("`producer.offer(buffer, 0, 8)` while a claim is open", () -> withQueue(q ->
        {
            final Producer producer = q.producer();
            producer.tryClaim(8, new BufferClaim());
            producer.offer(buffer, 0, 8);
        }));
        calls.put("`claim.commit()` twice", () -> withQueue(q ->
        {
            final BufferClaim claim = new BufferClaim();
            q.producer().tryClaim(8, claim);
            claim.commit();
            claim.commit();
        }));
        calls.put("`consumer.poll(handler, 10)` after `consumer.close()`", () -> withQueue(q ->
        {
            final Consumer consumer = q.consumer(StartPosition.LATEST);
            consumer.close();
            consumer.poll((b, offset, length) -> { }, 10);
        }));
        calls.put("`queue.counters().consumerPosition(1)`", () -> withQueue(q -> q.counters().consumerPosition(1)));
        return calls;
    }

    private interface QueueAction
    {
        void run(MappedQueue queue) throws Exception;
    }

    private void withQueue(final QueueAction action) throws Exception
    {
        try (MappedQueue q = MappedQueue.open(queue))
        {
            action.run(q);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRowOfTheApiTableFailsAsItSays() throws Exception
    {
        final Map<String, Executable> calls = calls();
        final List<String[]> rows = rows("## The Java API");
        assertEquals(calls.keySet().stream().sorted().toList(), rows.stream().map(row -> row[0]).sorted().toList(),
            "the table and this test list the same calls");
        return rows.stream().map(row -> DynamicTest.dynamicTest(row[0], () ->
        {
            final Throwable error = assertThrows(Throwable.class, calls.get(row[0]));
            assertEquals(unquote(row[1]), error.getClass().getSimpleName(), error.toString());
            assertTrue(error.getMessage().contains(withPaths(unquote(row[2]))), error.getMessage());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyRowOfTheCommandTableIsOneLineAndExitCodeTwo() throws Exception
    {
        final List<String[]> rows = rows("## The `mmq` command");
        assertTrue(rows.size() >= 20, "the command table has its rows: " + rows.size());
        return rows.stream().map(row -> DynamicTest.dynamicTest(row[0], () ->
        {
            final String command = withPaths(unquote(row[0]));
            final String[] args = Arrays.stream(command.split(" ")).skip(1).toArray(String[]::new);
            final StringWriter err = new StringWriter();
            final int exit = Mmq.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
            assertEquals(Mmq.USER_ERROR, exit, command + ": " + err);
            assertEquals(1, err.toString().strip().lines().count(), command + ": " + err);
            assertTrue(err.toString().contains(withPaths(unquote(row[1]))), command + ": " + err);
        }));
    }

    @Test
    void theTablesDoNotLeaveThePlaceholdersUnexplained() throws Exception
    {
        final String text = Files.readString(TABLE);
        for (final String placeholder : List.of("`QUEUE`", "`MISSING`", "`NOT_A_QUEUE`"))
        {
            assertTrue(text.contains(placeholder), placeholder);
        }
    }

    private String withPaths(final String text)
    {
        return text.replace("NOT_A_QUEUE", notAQueue.toString()).replace("MISSING", missing.toString())
            .replace("QUEUE", queue.toString());
    }

    private static String unquote(final String cell)
    {
        return cell.startsWith("`") && cell.endsWith("`") ? cell.substring(1, cell.length() - 1) : cell;
    }

    /**
     * @return the body rows of the first table after {@code heading}, as trimmed cells.
     */
    private static List<String[]> rows(final String heading) throws Exception
    {
        final List<String> lines = Files.readAllLines(TABLE);
        final List<String[]> rows = new ArrayList<>();
        boolean inSection = false;
        for (final String line : lines)
        {
            if (line.startsWith("## "))
            {
                inSection = line.equals(heading);
                continue;
            }
            if (inSection && line.startsWith("| `"))
            {
                rows.add(Arrays.stream(line.substring(1, line.length() - 1).split(" \\| ")).map(String::trim)
                    .toArray(String[]::new));
            }
        }
        return rows;
    }
}
