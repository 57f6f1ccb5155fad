package io.mmq.mmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;

import io.mmq.MmqException;
import io.mmq.QueueOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A symbolic link under a queue's name is followed only if this user or root made it: in a shared
 * directory, a link planted by someone else could make this process map and write a file of their
 * choosing.
 */
class SymbolicLinkTest
{
    private Path directory;
    private Path queueFile;

    @BeforeEach
    void createQueue() throws IOException
    {
        directory = TempQueues.directory();
        queueFile = directory.resolve("real.mmq");
        MappedQueue.create(queueFile, QueueOptions.defaults().withCapacity(8192).withConsumerSlots(2)).close();
    }

    @AfterEach
    void deleteQueue() throws IOException
    {
        TempQueues.delete(directory);
    }

    @Test
    void aLinkOfOurOwnLeadsToTheQueue() throws IOException
    {
        final Path link = Files.createSymbolicLink(directory.resolve("mine.mmq"), queueFile);
        try (MappedQueue queue = MappedQueue.open(link))
        {
            assertEquals(8192, queue.options().capacity());
        }
    }

    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "gives the link to the POSIX user nobody")
    @Test
    void aLinkAnotherUserPlantedIsRefusedAndTheFileItLeadsToIsUntouched() throws IOException
    {
        final Path link = Files.createSymbolicLink(directory.resolve("planted.mmq"), queueFile);
        final UserPrincipal nobody;
        try
        {
            nobody = directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.getFileAttributeView(link, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(nobody);
        }
        catch (final IOException | UnsupportedOperationException notRoot)
        {
            if ("true".equals(System.getenv("CI")))
            {
                throw new AssertionError("CI runs as root, which can give a link to another user", notRoot);
            }
            assumeTrue(false, "giving a link to another user needs root: " + notRoot);
            return;
        }
        final byte[] before = Files.readAllBytes(queueFile);

        final MmqException refused = assertThrows(MmqException.class, () -> MappedQueue.open(link));
        assertTrue(refused.getMessage().startsWith(link + ": is a symbolic link made by another user (nobody)"),
            refused.getMessage());
        assertThrows(MmqException.class, () -> MappedQueue.openOrCreate(link,
            QueueOptions.defaults().withCapacity(8192).withConsumerSlots(2)));
        assertArrayEquals(before, Files.readAllBytes(queueFile));
    }
}
