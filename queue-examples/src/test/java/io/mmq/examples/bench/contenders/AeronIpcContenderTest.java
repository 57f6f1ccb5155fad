package io.mmq.examples.bench.contenders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.mmq.bridge.aeron.AeronDirectoryInUseException;
import io.mmq.examples.bench.harness.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Aeron IPC contender's media driver lives from {@code prepare} to {@code finish}, in the harness's
 * JVM, in the run's directory.
 */
class AeronIpcContenderTest
{
    @TempDir
    Path run;

    @Test
    void prepareLaunchesADriverInTheRunsDirectoryAndFinishStopsItsThreadAndDeletesItsDirectory() throws Exception
    {
        final Channel channel = new Channel(run, 1, 64, 1 << 20);
        final Path aeron = run.resolve("aeron");
        final AeronIpcContender contender = new AeronIpcContender();

        contender.prepare(channel);
        assertTrue(Files.isRegularFile(aeron.resolve("cnc.dat")), "the driver's cnc.dat is in " + aeron);
        assertFalse(driverThreads(aeron).isEmpty(), "the driver's thread is named after its directory");
        final AeronDirectoryInUseException refused =
            assertThrows(AeronDirectoryInUseException.class, () -> new AeronIpcContender().prepare(channel));
        assertTrue(refused.getMessage().contains(aeron.toString()), refused.getMessage());

        contender.finish(channel);
        assertEquals(List.of(), driverThreads(aeron), "the driver's thread has ended");
        assertFalse(Files.exists(aeron), aeron + " is deleted");
        contender.finish(channel);
    }

    @Test
    void theTermIsTwiceTheRingWithinAeronsBounds()
    {
        assertEquals("aeron:ipc?term-length=2097152", AeronIpcContender.channelUri(new Channel(run, 1, 64, 1 << 20)));
        assertEquals("aeron:ipc?term-length=65536", AeronIpcContender.channelUri(new Channel(run, 1, 64, 4096)));
        assertEquals("aeron:ipc?term-length=1073741824", AeronIpcContender.channelUri(new Channel(run, 1, 64, 1 << 30)));
    }

    /**
     * @return the live threads whose name holds {@code directory}: an Aeron driver names its threads
     *         after its directory.
     */
    static List<String> driverThreads(final Path directory)
    {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
            .filter(name -> name.contains(directory.toString())).toList();
    }
}
