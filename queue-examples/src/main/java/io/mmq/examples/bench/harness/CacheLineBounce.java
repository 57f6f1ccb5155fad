package io.mmq.examples.bench.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The floor of every cross-process round trip: the C program {@code cacheline_bounce.c} (shipped in the
 * jar, source in {@code queue-examples/src/main/c}), compiled here with gcc and run as two processes
 * bouncing one cache line.
 */
final class CacheLineBounce
{
    private static final String SOURCE = "c/cacheline_bounce.c";

    private CacheLineBounce()
    {
    }

    /**
     * @param out where the reason is printed if the bounce cannot be measured.
     * @return the round-trip times, or {@code null} (with the reason printed) if gcc or the program failed:
     *         the other rows are still worth having.
     */
    static Histogram measure(final Path workDirectory, final long roundTrips, final PrintWriter out)
        throws IOException, InterruptedException
    {
        final Path source = workDirectory.resolve("cacheline_bounce.c");
        try (InputStream in = CacheLineBounce.class.getClassLoader().getResourceAsStream(SOURCE))
        {
            if (null == in)
            {
                out.println("  C cache-line bounce skipped: " + SOURCE + " is not on the classpath");
                return null;
            }
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        final Path program = workDirectory.resolve("cacheline-bounce");
        final Path samples = workDirectory.resolve("cacheline-bounce.bin");
        final String compiled = execute(List.of("gcc", "-O2", "-o", program.toString(), source.toString()));
        if (null != compiled)
        {
            out.println("  C cache-line bounce skipped: gcc failed: " + compiled);
            return null;
        }
        final String ran = execute(List.of(program.toString(), Long.toString(roundTrips / 10),
            Long.toString(roundTrips), samples.toString()));
        if (null != ran)
        {
            out.println("  C cache-line bounce skipped: " + ran);
            return null;
        }
        final IntBuffer values = ByteBuffer.wrap(Files.readAllBytes(samples)).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        final Histogram histogram = new Histogram(60_000_000_000L, 3);
        while (values.hasRemaining())
        {
            histogram.recordValue(Integer.toUnsignedLong(values.get()));
        }
        return histogram;
    }

    /**
     * @return {@code null} if the command succeeded, else what went wrong, in one line.
     */
    private static String execute(final List<String> command) throws InterruptedException
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return command.get(0) + " did not finish in 120 s";
            }
            return process.exitValue() == 0 ? null :
                "exit code " + process.exitValue() + ": " + new String(output).trim().replace('\n', ' ');
        }
        catch (final IOException ex)
        {
            return ex.getMessage();
        }
    }
}
