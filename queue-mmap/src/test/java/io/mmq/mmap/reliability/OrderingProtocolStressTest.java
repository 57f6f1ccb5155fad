package io.mmq.mmap.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs the jcstress tests of the publish and consume protocol ({@code io.mmq.mmap.reliability.jcstress})
 * in a child JVM, as jcstress requires, and fails if any forbidden outcome was seen.
 *
 * <p>By default ({@code ci}) it runs jcstress's quick mode with every actor compiled the same way and no
 * extra stress forks: a minute or so on two cores. {@code -Dmmq.jcstress.mode=quick} (or default,
 * tough, stress) runs that jcstress mode in full, with every compilation mix and JVM configuration it
 * finds (see docs/reliability.md for the command and the time it takes). A second run checks that the
 * deliberately broken variants ({@code Broken*}) are caught: a harness that passes everything proves
 * nothing.
 */
class OrderingProtocolStressTest
{
    private static final String PACKAGE = "io\\.mmq\\.mmap\\.reliability\\.jcstress\\.";
    private static final String MODE = System.getProperty("mmq.jcstress.mode", "ci");
    private static final List<String> CI_MODE = List.of("-m", "quick", "-sc", "false", "-fsm", "0");
    private static final String JVM_FLAGS =
        System.getProperty("mmq.jvm.flags", "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED");
    private static final Path RESULTS = Path.of("target", "jcstress");

    @Test
    void theProtocolNeverShowsAForbiddenOutcome() throws Exception
    {
        final Run run = jcstress(PACKAGE + "(?!Broken)\\w+", "ci".equals(MODE) ? CI_MODE : List.of("-m", MODE), "passing");
        assertEquals(List.of(), run.failed, run.output);
        assertEquals(0, run.exitCode, run.output);
        assertTrue(run.planned > 0 && run.planned == run.passed, "every run passed: " + run.summary);
        assertEquals(List.of("FramePublicationTest", "GroupClaimHandshakeTest", "JoinHandshakeTest", "PositionsTest",
            "WakeUpHandshakeTest"),
            run.tests(), "every protocol test ran");
    }

    @Test
    void deliberatelyBrokenVariantsAreReportedAsFailing() throws Exception
    {
        // One JVM configuration is enough to catch them; the passing run tries every one it finds.
        final List<String> oneConfiguration = new ArrayList<>(CI_MODE);
        oneConfiguration.addAll(List.of("-jvmArgs", JVM_FLAGS));
        final Run run = jcstress(PACKAGE + "Broken\\w+", oneConfiguration, "broken");
        assertEquals(List.of("BrokenFrameCommittedFirstTest", "BrokenGroupClaimTest", "BrokenJoinHandshakeTest"), run.failed,
            "each broken variant is caught: " + run.summary);
        assertNotEquals(0, run.exitCode, run.output);
    }

    private static Run jcstress(final String tests, final List<String> mode, final String name) throws Exception
    {
        final Path results = RESULTS.resolve(name).toAbsolutePath();
        Files.createDirectories(results);
        try (var previous = Files.list(results))
        {
            for (final Path file : previous.toList())
            {
                Files.delete(file); // a report left by an earlier run must not count for this one
            }
        }
        final Path log = results.resolve("output.txt");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
            "org.openjdk.jcstress.Main", "-t", tests, "-r", results.toString(),
            "-jvmArgsPrepend", JVM_FLAGS));
        command.addAll(mode);
        // Run in the report directory: jcstress drops its result blob in the working directory.
        final Process process = new ProcessBuilder(command).directory(results.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // The CI run takes a minute or two; a full run of the stronger modes can take hours.
        final long limitMinutes = "ci".equals(MODE) ? 30 : 24 * 60;
        if (!process.waitFor(limitMinutes, TimeUnit.MINUTES))
        {
            process.destroyForcibly();
            fail("jcstress still running after " + limitMinutes + " minutes; output in " + log);
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), results);
    }

    /** What one jcstress run reported, read from its console output and its report directory. */
    private static final class Run
    {
        /** The last progress line: "(Results: 8 planned; 8 passed, 0 failed, 0 soft errs, 0 hard errs)". */
        private static final Pattern TOTALS = Pattern.compile("\\(Results: (\\d+) planned; (\\d+) passed[^)]*\\)");
        private static final Pattern FAILED = Pattern.compile("\\[FAILED\\] \\S+\\.(\\w+)");

        final int exitCode;
        final String output;
        final Path results;
        final String summary;
        final long planned;
        final long passed;
        final List<String> failed = new ArrayList<>();

        Run(final int exitCode, final String output, final Path results)
        {
            this.exitCode = exitCode;
            this.output = output;
            this.results = results;
            final Matcher totals = TOTALS.matcher(output);
            String last = "no results line";
            long planned = -1;
            long passed = -1;
            while (totals.find())
            {
                last = totals.group();
                planned = Long.parseLong(totals.group(1));
                passed = Long.parseLong(totals.group(2));
            }
            this.summary = last;
            this.planned = planned;
            this.passed = passed;
            final Matcher failures = FAILED.matcher(output.substring(Math.max(0, output.indexOf("RUN RESULTS:"))));
            while (failures.find())
            {
                if (!failed.contains(failures.group(1)))
                {
                    failed.add(failures.group(1));
                }
            }
            failed.sort(null);
        }

        /** @return the simple names of the tests jcstress wrote a report for. */
        List<String> tests() throws IOException
        {
            try (var files = Files.list(results))
            {
                return files.map(path -> path.getFileName().toString())
                    .filter(file -> file.startsWith("io.mmq.") && file.endsWith(".html"))
                    .map(file -> file.substring(file.lastIndexOf('.', file.length() - 6) + 1, file.length() - 5))
                    .sorted().toList();
            }
        }
    }
}
