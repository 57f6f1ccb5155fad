package io.mmq.examples.samples;

import java.util.List;

import io.mmq.examples.Mmq;
import io.mmq.mmap.process.Child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code mmq example ...} as a user would, in a JVM of its own, and keeps what it printed.
 */
public final class ExampleRun
{
    private final List<String> output;

    private ExampleRun(final List<String> output)
    {
        this.output = output;
    }

    /**
     * Runs {@code mmq ARGS...} to its end and checks that it succeeded.
     */
    public static ExampleRun succeeding(final Object... args) throws Exception
    {
        try (Child mmq = Child.start("mmq", Mmq.class, args))
        {
            final int exitCode = mmq.awaitExit(180);
            assertEquals(0, exitCode, "mmq exit code; output " + mmq.output() + "\nstderr:\n" + mmq.errors());
            return new ExampleRun(mmq.output());
        }
    }

    public List<String> output()
    {
        return output;
    }

    /**
     * @return the one line that starts with {@code prefix}.
     */
    public String line(final String prefix)
    {
        final List<String> matching = output.stream().filter(line -> line.startsWith(prefix)).toList();
        assertEquals(1, matching.size(), "lines starting with '" + prefix + "' in " + output);
        return matching.get(0);
    }

    /**
     * @return every line that starts with {@code prefix}, with the prefix cut off.
     */
    public List<String> after(final String prefix)
    {
        return output.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length())).toList();
    }

    public void assertPrinted(final String line)
    {
        assertTrue(output.contains(line), "'" + line + "' in " + output);
    }
}
