package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.QueueFormatException;
import io.mmq.QueueOptions;
import io.mmq.QueueTruncatedException;
import io.mmq.mmap.process.Child;
import io.mmq.mmap.process.SleepingConsumerProcess;
import io.mmq.mmap.process.TakeProducerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A view of a queue for tools that only look: it reads what participants read, through a descriptor and
 * pages that cannot write, and looking disturbs nobody, this JVM's own producer or consumers included.
 */
class QueueViewTest
{
    private static final QueueOptions SMALL = QueueOptions.defaults().withCapacity(64 * 1024).withConsumerSlots(4);

    @TempDir
    Path directory;

    @EnabledOnOs(value = OS.LINUX, disabledReason = "reads /proc/self/maps and /proc/self/fdinfo")
    @Test
    void theFileIsOpenedAndMappedForReadingOnly() throws Exception
    {
        final Path file = directory.resolve("q.mmq");
        MappedQueue.create(file, SMALL).close();
        try (QueueView view = QueueView.open(file))
        {
            assertEquals(64 * 1024, view.counters().capacity());
            final String real = file.toRealPath().toString();
            final List<String> mappings = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.endsWith(" " + real)).toList();
            assertFalse(mappings.isEmpty(), "the view maps the file");
            for (final String mapping : mappings)
            {
                assertTrue(mapping.split("\\s+")[1].startsWith("r-"), "a read-only mapping: " + mapping);
            }
            final List<String> modes = accessModesOfDescriptorsOn(real);
            assertFalse(modes.isEmpty(), "the view keeps a descriptor on the file");
            assertEquals(List.of("O_RDONLY"), modes.stream().distinct().toList(), "descriptors on " + real);
        }
    }

    @Test
    void closingAViewKeepsEveryLockThisProcessHoldsOnTheFile() throws Exception
    {
        final Path file = directory.resolve("q.mmq");
        try (MappedQueue queue = MappedQueue.create(file, SMALL); Producer producer = queue.producer())
        {
            for (int i = 0; i < 2; i++)
            {
                try (QueueView view = QueueView.open(file))
                {
                    assertEquals(ProcessHandle.current().pid(), view.counters().producerPid());
                }
            }
            // Closing any descriptor of the file would have dropped this process's record locks, and with them
            // the producer role: another process must still be refused it.
            try (Child other = Child.start("other-producer", TakeProducerProcess.class, file))
            {
                assertEquals(2, other.awaitExit(60), other.output().toString());
                assertTrue(other.output().stream().anyMatch(line -> line.startsWith("BUSY")), other.output().toString());
            }
        }
    }

    @Test
    void anInterruptedThreadOpensAViewWithoutClosingAnythingAndKeepsItsInterrupt() throws Exception
    {
        final Path file = directory.resolve("q.mmq");
        try (MappedQueue queue = MappedQueue.create(file, SMALL); Producer producer = queue.producer())
        {
            Thread.currentThread().interrupt();
            try
            {
                // An interrupted channel call closes its channel, and closing any descriptor of the file would
                // drop this process's locks on it: the producer role among them.
                QueueView.open(file).close();
                QueueView.open(file).close();
            }
            finally
            {
                assertTrue(Thread.interrupted(), "the interrupt is still there for the caller to see");
            }
            try (Child other = Child.start("other-producer", TakeProducerProcess.class, file))
            {
                assertEquals(2, other.awaitExit(60), other.output().toString());
            }
        }
    }

    @Test
    void aConsumerOfThisVeryProcessIsSeenAlive() throws Exception
    {
        final Path file = directory.resolve("q.mmq");
        try (MappedQueue queue = MappedQueue.create(file, SMALL);
             io.mmq.Consumer consumer = queue.consumer(io.mmq.StartPosition.LATEST);
             QueueView view = QueueView.open(file))
        {
            assertTrue(view.counters().consumerAlive(consumer.slot()));
            assertTrue(view.counters().consumerAlive(consumer.slot()), "looking released nothing of ours");
        }
    }

    @Test
    void aConsumerIsAliveWhileItsProcessLivesAndDeadOnceKilledAsSeenWithoutWriteAccess() throws Exception
    {
        final Path file = directory.resolve("q.mmq");
        MappedQueue.create(file, SMALL).close();
        try (Child sleeper = Child.start("sleeper", SleepingConsumerProcess.class, file);
             QueueView view = QueueView.open(file))
        {
            sleeper.awaitLine("JOINED", 60);
            final QueueCounters counters = view.counters();
            assertEquals("ACTIVE", counters.consumerState(0));
            assertTrue(counters.consumerAlive(0), "the sleeper holds slot 0");
            assertTrue(counters.consumerAlive(0), "looking took nothing away: it still does");

            sleeper.process().destroyForcibly();
            assertNotEquals(0, sleeper.awaitExit(30));
            assertFalse(counters.consumerAlive(0), "its lock went with it");
            assertEquals("ACTIVE", counters.consumerState(0), "a view never reaps: the slot waits for a participant");
        }
    }

    @Test
    void badInputIsRefusedNamingTheFile() throws Exception
    {
        final Path missing = directory.resolve("missing.mmq");
        assertEquals(missing + ": no queue file there",
            assertThrows(MmqException.class, () -> QueueView.open(missing)).getMessage());

        final Path text = Files.writeString(directory.resolve("notes.txt"), "not a queue at all, but long enough ".repeat(20));
        final QueueFormatException notAQueue = assertThrows(QueueFormatException.class, () -> QueueView.open(text));
        assertTrue(notAQueue.getMessage().startsWith(text.toString()), notAQueue.getMessage());
        assertEquals("not a queue at all, but long enough ".repeat(20), Files.readString(text), "left as it was");

        assertEquals(directory + ": cannot open the queue: is a directory",
            assertThrows(MmqException.class, () -> QueueView.open(directory)).getMessage());
    }

    @Test
    void aFileCutShortUnderTheViewIsToldBeforeItsZerosAreRead() throws Exception
    {
        final Path file = directory.resolve("q.mmq");
        MappedQueue.create(file, SMALL).close();
        try (QueueView view = QueueView.open(file))
        {
            view.requireWhole();
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE))
            {
                channel.truncate(100);
            }
            final QueueTruncatedException cut = assertThrows(QueueTruncatedException.class, view::requireWhole);
            assertTrue(cut.getMessage().startsWith(file + ": the queue file was cut to 100 bytes"), cut.getMessage());
        }
    }

    @Test
    void aFileDeletedOrReplacedUnderTheViewIsTold() throws Exception
    {
        final Path file = directory.resolve("q.mmq");
        MappedQueue.create(file, SMALL).close();
        try (QueueView view = QueueView.open(file))
        {
            Files.delete(file);
            assertEquals(file + ": the queue file was deleted",
                assertThrows(MmqException.class, view::requireWhole).getMessage());

            MappedQueue.create(file, SMALL).close(); // another queue, same name, same size
            assertEquals(file + ": the queue file was replaced by another one; open the new one to see it",
                assertThrows(MmqException.class, view::requireWhole).getMessage());
        }
    }

    @EnabledOnOs(value = OS.LINUX, disabledReason = "makes a FIFO with mkfifo")
    @Test
    @Timeout(30) // opening a FIFO for reading waits for a writer: a regression would hang, not fail
    void aFifoIsRefusedWithoutWaitingForAWriterByViewsAndParticipantsAlike() throws Exception
    {
        final Path fifo = directory.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        assertEquals(fifo + ": cannot open the queue: not a regular file",
            assertThrows(MmqException.class, () -> QueueView.open(fifo)).getMessage());
        assertEquals(fifo + ": cannot open the queue: not a regular file",
            assertThrows(MmqException.class, () -> MappedQueue.open(fifo)).getMessage());
    }

    /** The access mode of each descriptor this process has on {@code file}, from /proc/self/fdinfo. */
    private static List<String> accessModesOfDescriptorsOn(final String file) throws IOException
    {
        final List<String> modes = new ArrayList<>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd")))
        {
            for (final Path descriptor : descriptors.toList())
            {
                final String target;
                try
                {
                    target = Files.readSymbolicLink(descriptor).toString();
                }
                catch (final IOException gone)
                {
                    continue; // the descriptor Files.list itself used, closed by now
                }
                if (target.equals(file))
                {
                    final String flags = Files.readAllLines(Path.of("/proc/self/fdinfo", descriptor.getFileName().toString()))
                        .stream().filter(line -> line.startsWith("flags:")).findFirst().orElseThrow();
                    final int accessMode = Integer.parseInt(flags.substring("flags:".length()).trim(), 8) & 3;
                    modes.add(accessMode == 0 ? "O_RDONLY" : accessMode == 1 ? "O_WRONLY" : "O_RDWR");
                }
            }
        }
        return modes;
    }
}
