package io.mmq.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.mmq.examples.Mmq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mmq create} in its users' words: permissions as ls shows them or in octal, and a name that is a
 * directory, or a place where no file can be made, told in one line without Java's class names.
 */
class CreateCommandTest
{
    @TempDir
    Path directory;

    private final MmqRun mmq = new MmqRun();

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void permissionsAreTakenAsLsShowsThemOrInOctal() throws Exception
    {
        final Path octal = directory.resolve("octal.mmq");
        assertEquals(0, mmq.run("create", octal.toString(), "--capacity", "4k", "--permissions", "0640"), mmq.err());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(octal)));

        final Path threeDigits = directory.resolve("three.mmq");
        assertEquals(0, mmq.run("create", threeDigits.toString(), "--capacity", "4k", "--permissions", "664"), mmq.err());
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(threeDigits)));

        final Path likeLs = directory.resolve("ls.mmq");
        assertEquals(0, mmq.run("create", likeLs.toString(), "--capacity", "4k", "--permissions", "rw-rw----"), mmq.err());
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(likeLs)));
    }

    @Test
    void aDirectoryIsNamedAsOneAndNoJavaClassNameReachesTheUser() throws Exception
    {
        final String here = directory.toString();
        assertOneLine(here + ": cannot create the queue, a directory already exists there", "create", here);
        assertOneLine(here + ": cannot open the queue: is a directory", "stat", here);
        assertOneLine(here + ": cannot open the queue: is a directory", "tail", here);
    }

    @Test
    void aSubcommandsVersionIsMmqs() throws Exception
    {
        assertEquals(0, mmq.run("--version"));
        final String version = mmq.out().strip();
        assertTrue(version.startsWith("mmq "), version);
        for (final List<String> command : List.of(List.of("create"), List.of("stat"), List.of("example", "pub-sub")))
        {
            final List<String> args = new java.util.ArrayList<>(command);
            args.add("--version");
            assertEquals(0, mmq.run(args.toArray(String[]::new)), String.join(" ", args) + ": " + mmq.err());
            assertEquals(version, mmq.out().strip(), String.join(" ", args));
        }
    }

    private void assertOneLine(final String expected, final String... args)
    {
        assertEquals(Mmq.USER_ERROR, mmq.run(args), String.join(" ", args) + ": " + mmq.err());
        final List<String> lines = mmq.err().lines().toList();
        assertEquals(List.of("mmq: " + expected), lines);
    }
}
