package io.mmq.bridge.aeron;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One live driver per Aeron directory, and a directory that goes with its driver.
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

    @Test
    void theDirectoryOfADriverWhoseProcessWasKilledIsTakenOverAtOnceAndALiveOnesIsNot() throws Exception
    {
        final Path directory = temporary.resolve("aeron");
        try (io.mmq.mmap.process.Child child = io.mmq.mmap.process.Child.start("driver", LiveDriverProcess.class, directory))
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
}
