package io.mmq.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.mmq.examples.Mmq;

/**
 * The {@code mmq} command run in the test's JVM, as {@code main} runs it, keeping what the last run printed
 * on standard output and standard error.
 */
final class MmqRun
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** @return the exit code. */
    int run(final String... args)
    {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Mmq.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    /** What the last run printed on standard output. */
    String out()
    {
        return out.toString();
    }

    /** What the last run printed on standard error. */
    String err()
    {
        return err.toString();
    }
}
