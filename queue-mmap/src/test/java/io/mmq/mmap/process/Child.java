package io.mmq.mmap.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real, separate process under test: a JVM running a {@code main} from the test classpath, or any
 * command (a Python consumer, say). Its standard output is read line by line so a test can wait for a
 * line with a deadline; standard error is kept for failure messages.
 */
public final class Child implements AutoCloseable
{
    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();
    private final StringBuffer errors = new StringBuffer();
    private final PrintWriter input;
    private final java.util.concurrent.CountDownLatch outputEnded = new java.util.concurrent.CountDownLatch(1);

    private Child(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        this.input = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        daemon(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true));
        daemon(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false));
    }

    public static Child start(final String name, final Class<?> main, final Object... args) throws IOException
    {
        return start(name, true, main, args);
    }

    /**
     * @param withAgronaFlag false to start the JVM without the flag mmq needs, as a careless user would.
     */
    public static Child start(final String name, final boolean withAgronaFlag, final Class<?> main, final Object... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        if (withAgronaFlag)
        {
            command.addAll(List.of(System.getProperty("mmq.jvm.flags",
                "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED").split(" ")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        for (final Object arg : args)
        {
            command.add(String.valueOf(arg));
        }
        return new Child(name, new ProcessBuilder(command).start());
    }

    /**
     * Starts any command, with extra environment variables.
     */
    public static Child command(final String name, final java.util.Map<String, String> environment,
        final List<String> command) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return new Child(name, builder.start());
    }

    private static void daemon(final Runnable task)
    {
        final Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
    }

    private void pump(final BufferedReader reader, final boolean isOutput)
    {
        try
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (isOutput)
                {
                    synchronized (output)
                    {
                        output.add(line);
                    }
                    lines.add(line);
                }
                else
                {
                    errors.append(line).append('\n');
                }
            }
        }
        catch (final IOException ignore)
        {
            // The process ended.
        }
        finally
        {
            if (isOutput)
            {
                outputEnded.countDown();
            }
        }
    }

    /**
     * @return the first unread output line that starts with {@code prefix}; fails after {@code seconds}.
     */
    public String awaitLine(final String prefix, final long seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true)
        {
            final String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (null != line)
            {
                if (line.startsWith(prefix))
                {
                    return line;
                }
                continue;
            }
            final boolean noMoreOutput = outputEnded.getCount() == 0 && lines.isEmpty();
            if (noMoreOutput || System.nanoTime() - deadline >= 0)
            {
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(name + ": no line starting with '" + prefix + "' " +
                    (process.isAlive() ? "within " + seconds + " s" : "before it exited with " + process.exitValue()) +
                    "; output so far " + output() + "; stderr:\n" + errors);
            }
        }
    }

    public void send(final String line)
    {
        input.println(line);
    }

    public int awaitExit(final long seconds) throws InterruptedException
    {
        if (!process.waitFor(seconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError(name + ": still running after " + seconds + " s; output " + output() +
                "; stderr:\n" + errors);
        }
        // Every line it printed is read before we say it has exited: callers look at output() next.
        outputEnded.await(seconds, TimeUnit.SECONDS);
        return process.exitValue();
    }

    public Process process()
    {
        return process;
    }

    public List<String> output()
    {
        synchronized (output)
        {
            return List.copyOf(output);
        }
    }

    public String errors()
    {
        return errors.toString();
    }

    public String name()
    {
        return name;
    }

    /**
     * Kills the process and waits for it to end: killing only starts the end (on Windows,
     * {@code TerminateProcess} returns before the process's mappings are gone, and a mapped file cannot
     * be deleted), so a test that deletes its queue files next must not race the dying process.
     */
    @Override
    public void close()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Parses {@code key=value} pairs from a line such as {@code DONE received=10 crc=3}.
     */
    public static long field(final String line, final String key)
    {
        for (final String part : line.split(" "))
        {
            if (part.startsWith(key + "="))
            {
                return Long.parseLong(part.substring(key.length() + 1));
            }
        }
        throw new AssertionError("no " + key + " in: " + line);
    }
}
