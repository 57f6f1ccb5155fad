package io.mmq.bridge.aeron;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One live driver per Aeron directory, a directory that goes with its driver, and a driver run by its
 * owner's thread.
 */
class EmbeddedMediaDriverTest
{
    @TempDir
    Path temporary;

    @Test
    void aSecondDriverOnALiveDriversDirectoryIsRefusedNamingTheDirectoryAndLeavesTheFirstRunning()
    {
        final Path directory = temporary.resolve("aeron");
        try (EmbeddedMediaDriver first = EmbeddedMediaDriver.launch(directory))
        {
            final AeronDirectoryInUseException refused =
                assertThrows(AeronDirectoryInUseException.class, () -> EmbeddedMediaDriver.launch(directory));
            assertEquals(directory.toAbsolutePath(), refused.directory());
            assertTrue(refused.getMessage().contains(directory.toAbsolutePath().toString()), refused.getMessage());
            assertTrue(refused.getMessage().contains("in use by a live media driver"), refused.getMessage());

            // The refusal touched nothing: the first driver's directory still answers a client.
            try (AeronClient client = AeronClient.connect(first.directory()))
            {
                assertEquals(directory.toAbsolutePath(), client.directory());
            }
        }
    }

    @Test
    void closingTheDriverDeletesItsDirectoryWhichANewDriverCanThenUse()
    {
        final Path directory = temporary.resolve("aeron");
        final EmbeddedMediaDriver driver = EmbeddedMediaDriver.launch(directory);
        assertTrue(Files.isRegularFile(directory.resolve("cnc.dat")), "the driver's cnc.dat is in its directory");
        driver.close();
        assertFalse(Files.exists(directory), directory + " is deleted on close");
        driver.close();

        try (EmbeddedMediaDriver again = EmbeddedMediaDriver.launch(directory))
        {
            assertEquals(directory.toAbsolutePath(), again.directory());
        }
        assertFalse(Files.exists(directory));
    }

    @ParameterizedTest
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "INVOKER"})
    void theDirectoryOfADriverWhoseProcessWasKilledIsTakenOverAtOnceAndALiveOnesIsNot(final ThreadingMode threading)
        throws Exception
    {
        final Path directory = temporary.resolve("aeron");
        try (io.mmq.mmap.process.Child child =
            io.mmq.mmap.process.Child.start("driver", LiveDriverProcess.class, directory, threading))
        {
            child.awaitLine("RUNNING", 60);
            assertThrows(AeronDirectoryInUseException.class, () -> EmbeddedMediaDriver.launchForUdp(directory),
                "its process lives and its heartbeat is fresh");
            child.process().toHandle().destroyForcibly();
            child.awaitExit(30);
            assertTrue(Files.isRegularFile(directory.resolve("cnc.dat")), "kill -9 left the directory behind");
            // Within Aeron's 10 s driver timeout the heartbeat still looks fresh; the process is gone.
            try (EmbeddedMediaDriver again = EmbeddedMediaDriver.launchForUdp(directory))
            {
                assertEquals(directory.toAbsolutePath(), again.directory());
            }
        }
    }

    @Test
    void anInvokedDriverAndItsClientRunOnNoThreadOfTheirOwnAndMoveAMessageWhenTheOwnersThreadInvokesThem()
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + LoopbackPort.freeUdp();
        try (EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(temporary.resolve("aeron"), ThreadingMode.INVOKER);
             AeronClient client = AeronClient.connect(driver);
             InboundLink subscription = client.subscribe(channel, 7);
             OutboundLink publication = client.publish(channel, 7))
        {
            assertNotNull(driver.invoker());
            assertEquals(List.of(), aeronThreads(driver), "nothing of the driver or its client runs but when invoked");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!publication.isConnected())
            {
                assertTrue(System.nanoTime() - deadline < 0, "connected within 30 s of invoking");
                client.invoke();
            }
            final UnsafeBuffer message = new UnsafeBuffer(new byte[] {1, 2, 3});
            assertTrue(publication.offer(message, 0, 3) > 0);
            final AtomicInteger received = new AtomicInteger();
            while (received.get() == 0)
            {
                assertTrue(System.nanoTime() - deadline < 0, "the message arrives within 30 s of invoking");
                client.invoke();
                subscription.poll((buffer, offset, length) -> received.incrementAndGet(), 10);
            }
            assertEquals(1, received.get());
        }
    }

    @Test
    void aDriverWithAThreadOfItsOwnHasNoInvokerAndAnyOtherThreadingModeIsRefused()
    {
        try (EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(temporary.resolve("aeron"));
             AeronClient client = AeronClient.connect(driver))
        {
            assertNull(driver.invoker());
            assertEquals(0, client.invoke(), "invoking a client whose driver has a thread does nothing");
            // What the invoked test looks for is there when the driver and client have threads of their own.
            assertEquals(2, aeronThreads(driver).size(), "the driver's thread and the client's conductor");
        }
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> EmbeddedMediaDriver.launchForUdp(temporary.resolve("other"), ThreadingMode.DEDICATED));
        assertTrue(refused.getMessage().contains("DEDICATED"), refused.getMessage());
    }

    /**
     * @return the names of the live threads that run the agents of {@code driver} and of a client: Aeron names
     *         a shared driver's thread after its directory and agents ({@code DIR [sender,receiver,driver-conductor]})
     *         and a client's conductor thread {@code aeron-client}.
     */
    private static List<String> aeronThreads(final EmbeddedMediaDriver driver)
    {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
            .filter(name -> name.startsWith(driver.directory().toString()) || name.equals("aeron-client")).toList();
    }
}
