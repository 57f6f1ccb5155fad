package io.mmq.examples.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.mmq.mmap.file.JvmAccess;

/**
 * A demo, example or benchmark role running in its own process (a JVM started from this JVM's
 * classpath, or a Python script). Its output lines are watched: {@code JOINED} and the last
 * {@code PROGRESS} counters are noted, and the last other line is kept for the summary; an echoing child
 * also prints those other lines here as they come, after its name.
 */
public final class ChildProcess
{
    private final String name;
    private final Process process;
    private final PrintStream echo;
    private final Thread output;
    private final CountDownLatch joined = new CountDownLatch(1);
    private final StringBuilder errors = new StringBuilder();
    private volatile long count;
    private volatile long lag;
    private volatile String finalLine;

    private ChildProcess(final String name, final Process process, final PrintStream echo)
    {
        this.name = name;
        this.process = process;
        this.echo = echo;
        output = new Thread(this::readOutput, name + "-out");
        output.setDaemon(true);
        output.start();
        final Thread err = new Thread(this::readErrors, name + "-err");
        err.setDaemon(true);
        err.start();
    }

    public static ChildProcess start(final String name, final String role, final Object... args) throws IOException
    {
        return new ChildProcess(name, new ProcessBuilder(mmqCommand(role, args)).start(), null);
    }

    /**
     * Starts {@code mmq ROLE ARGS...} in a new JVM and prints its lines here, as {@code [name] line}.
     */
    public static ChildProcess startEchoing(final String name, final String role, final Object... args)
        throws IOException
    {
        return new ChildProcess(name, new ProcessBuilder(mmqCommand(role, args)).start(), System.out);
    }

    /**
     * Starts {@code python3 SCRIPT ARGS...} and prints its lines here, as {@code [name] line}.
     *
     * @throws IOException if python3 cannot be started.
     */
    public static ChildProcess startPythonEchoing(final String name, final Path script, final Object... args)
        throws IOException
    {
        return new ChildProcess(name, new ProcessBuilder(pythonCommand(script, args)).start(), System.out);
    }

    private static List<String> mmqCommand(final String role, final Object... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(JvmAccess.REQUIRED_FLAG.split(" ")));
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(io.mmq.examples.Mmq.class.getName());
        command.add(role);
        addAll(command, args);
        return command;
    }

    private static List<String> pythonCommand(final Path script, final Object... args)
    {
        final List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        addAll(command, args);
        return command;
    }

    private static void addAll(final List<String> command, final Object... args)
    {
        for (final Object arg : args)
        {
            command.add(String.valueOf(arg));
        }
    }

    /**
     * @return whether {@link #startPython} can be expected to start: the demo's Python consumer is in
     *         {@code pythonDirectory} and a {@code python3} is on the PATH.
     */
    static boolean pythonCanStart(final Path pythonDirectory)
    {
        if (null == pythonDirectory ||
            !java.nio.file.Files.isRegularFile(pythonDirectory.resolve("examples").resolve("demo_consumer.py")))
        {
            return false;
        }
        final String path = System.getenv("PATH");
        return null != path && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
            .filter(entry -> !entry.isEmpty())
            .anyMatch(entry -> java.nio.file.Files.isExecutable(Path.of(entry, "python3")));
    }

    /**
     * Starts a Python consumer of the demo, if this machine has python3 and the mmq Python package.
     *
     * @return the process, or {@code null} if Python or the package is not there.
     */
    static ChildProcess startPython(final String name, final Path pythonDirectory, final Object... args)
        throws IOException
    {
        final Path script = pythonDirectory.resolve("examples").resolve("demo_consumer.py");
        if (!java.nio.file.Files.isRegularFile(script))
        {
            return null;
        }
        try
        {
            return new ChildProcess(name, new ProcessBuilder(pythonCommand(script, args)).start(), null);
        }
        catch (final IOException noPython)
        {
            return null;
        }
    }

    private void readOutput()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (line.startsWith("JOINED"))
                {
                    joined.countDown();
                }
                else if (line.startsWith("PROGRESS"))
                {
                    count = field(line, "received", field(line, "published", count));
                    lag = field(line, "lag", lag);
                }
                else
                {
                    finalLine = line;
                    if (null != echo)
                    {
                        echo.println("[" + name + "] " + line);
                    }
                }
            }
        }
        catch (final IOException ignore)
        {
            // The process ended.
        }
    }

    private void readErrors()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                synchronized (errors)
                {
                    errors.append(line).append('\n');
                }
            }
        }
        catch (final IOException ignore)
        {
            // The process ended.
        }
    }

    public static long field(final String line, final String key, final long otherwise)
    {
        for (final String part : line.split(" "))
        {
            if (part.startsWith(key + "="))
            {
                return Long.parseLong(part.substring(key.length() + 1));
            }
        }
        return otherwise;
    }

    public static String text(final String line, final String key)
    {
        for (final String part : line.split(" "))
        {
            if (part.startsWith(key + "="))
            {
                return part.substring(key.length() + 1);
            }
        }
        return "?";
    }

    public boolean awaitJoined(final long seconds) throws InterruptedException
    {
        return joined.await(seconds, TimeUnit.SECONDS);
    }

    /** Closes the process's standard input: a role that reads it takes the end of input as "stop". */
    public void closeInput() throws IOException
    {
        process.getOutputStream().close();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Waits for the process to end and for its last output line to be read.
     */
    public int awaitExit() throws InterruptedException
    {
        final int exitCode = process.waitFor();
        output.join();
        return exitCode;
    }

    /**
     * Kills the process and waits (up to 10 s) until it has gone: on Windows a file it mapped cannot be
     * deleted before then.
     */
    public void kill()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    public String name()
    {
        return name;
    }

    public long count()
    {
        return count;
    }

    long lag()
    {
        return lag;
    }

    public String finalLine()
    {
        return finalLine;
    }

    public String errors()
    {
        synchronized (errors)
        {
            return errors.toString();
        }
    }
}
