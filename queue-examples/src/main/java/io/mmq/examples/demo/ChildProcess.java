package io.mmq.examples.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.mmq.mmap.file.JvmAccess;

/**
 * A demo or benchmark role running in its own JVM, started from this JVM's classpath. Its output lines
 * are watched: the last {@code PROGRESS} counters and the final line are kept for the live display and
 * the summary.
 */
public final class ChildProcess
{
    private final String name;
    private final Process process;
    private final CountDownLatch joined = new CountDownLatch(1);
    private final StringBuilder errors = new StringBuilder();
    private volatile long count;
    private volatile long lag;
    private volatile String finalLine;

    private ChildProcess(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        final Thread out = new Thread(this::readOutput, name + "-out");
        out.setDaemon(true);
        out.start();
        final Thread err = new Thread(this::readErrors, name + "-err");
        err.setDaemon(true);
        err.start();
    }

    public static ChildProcess start(final String name, final String role, final Object... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(JvmAccess.REQUIRED_FLAG.split(" ")));
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(io.mmq.examples.Mmq.class.getName());
        command.add(role);
        for (final Object arg : args)
        {
            command.add(String.valueOf(arg));
        }
        return new ChildProcess(name, new ProcessBuilder(command).start());
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
        final List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        for (final Object arg : args)
        {
            command.add(String.valueOf(arg));
        }
        try
        {
            return new ChildProcess(name, new ProcessBuilder(command).start());
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

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public int awaitExit() throws InterruptedException
    {
        return process.waitFor();
    }

    public void kill()
    {
        process.destroyForcibly();
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
