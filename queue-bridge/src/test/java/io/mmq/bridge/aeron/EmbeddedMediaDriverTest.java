package io.mmq.bridge.aeron;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void anInvokedDriverMovesAMessageOnlyWhenItsOwnersThreadInvokesIt() throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        try (EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(temporary.resolve("aeron"), ThreadingMode.INVOKER);
             AeronClient client = AeronClient.connect(driver);
             InboundLink subscription = client.subscribe(channel, 7);
             OutboundLink publication = client.publish(channel, 7))
        {
            assertNotNull(driver.invoker());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!publication.isConnected())
            {
                assertTrue(System.nanoTime() - deadline < 0, "connected within 30 s of invoking");
                client.invoke();
            }
            final UnsafeBuffer message = new UnsafeBuffer(new byte[] {1, 2, 3});
            assertTrue(publication.offer(message, 0, 3) > 0);

            // Not invoked, the driver does nothing: for 300 ms the message stays in the publication's log.
            // (A driver with a thread of its own sends it within a millisecond or two.)
            final AtomicInteger received = new AtomicInteger();
            final long quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() - quietUntil < 0)
            {
                subscription.poll((buffer, offset, length) -> received.incrementAndGet(), 10);
                Thread.sleep(1);
            }
            assertEquals(0, received.get(), "nothing arrives while nobody invokes the driver");

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
        }
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> EmbeddedMediaDriver.launchForUdp(temporary.resolve("other"), ThreadingMode.DEDICATED));
        assertTrue(refused.getMessage().contains("DEDICATED"), refused.getMessage());
    }

    private static int freeUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
