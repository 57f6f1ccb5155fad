package io.mmq.examples.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.mmq.examples.Mmq;
import io.mmq.mmap.file.JvmAccess;

/**
 * One incarnation of a soak role: a JVM running {@code mmq soak producer|consumer}, killed with SIGKILL
 * when its turn comes. Its output is read as it comes; the soak only needs the latest line of each kind.
 */
final class SoakProcess
{
    private final String name;
    private final Process process;
    private final StringBuffer errors = new StringBuffer();
    private final CountDownLatch outputEnded = new CountDownLatch(1);
    private volatile boolean ready;
    private volatile String lastProgress;
    private volatile String finalLine;

    private SoakProcess(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        daemon(name + "-out", () -> pump(process.getInputStream(), this::onOutput, outputEnded::countDown));
        daemon(name + "-err", () -> pump(process.getErrorStream(), line -> errors.append(line).append('\n'), () -> { }));
    }

    static SoakProcess start(final String name, final Object... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(JvmAccess.REQUIRED_FLAG.split(" ")));
        command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Mmq.class.getName());
        command.add("soak");
        for (final Object arg : args)
        {
            command.add(String.valueOf(arg));
        }
        return new SoakProcess(name, new ProcessBuilder(command).start());
    }

    private static void daemon(final String name, final Runnable task)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** One line of standard output: the soak keeps the latest progress line and the latest other line. */
    private void onOutput(final String line)
    {
        if (line.startsWith("JOINED") || line.startsWith("RESUMED"))
        {
            lastProgress = line;
            ready = true;
        }
        else if (line.startsWith("AT "))
        {
            lastProgress = line;
        }
        else
        {
            finalLine = line;
        }
    }

    private static void pump(final InputStream stream, final Consumer<String> onLine, final Runnable atEnd)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                onLine.accept(line);
            }
        }
        catch (final IOException ignore)
        {
            // The process ended.
        }
        finally
        {
            atEnd.run();
        }
    }

    /** SIGKILL, and wait until the OS has ended the process (and so released its locks). */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * Waits for the process to end by itself and its output to be read.
     *
     * @return its last line that was not progress (DONE, FINISHED, FAILED), or null if it printed none or
     *         did not end within {@code millis} (it is killed then).
     */
    String awaitFinalLine(final long millis) throws InterruptedException
    {
        if (!outputEnded.await(millis, TimeUnit.MILLISECONDS))
        {
            kill();
            return null;
        }
        return finalLine;
    }

    boolean isReady()
    {
        return ready;
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    String name()
    {
        return name;
    }

    /** The last JOINED, RESUMED or AT line, or null. */
    String lastProgress()
    {
        return lastProgress;
    }

    /** The last line that was none of those (DONE, FINISHED, FAILED), or null. */
    String finalLine()
    {
        return finalLine;
    }

    String errors()
    {
        return errors.toString();
    }

    /**
     * @return the value of {@code key=value} in {@code line}, or {@code otherwise}.
     */
    static long field(final String line, final String key, final long otherwise)
    {
        if (null != line)
        {
            for (final String part : line.split(" "))
            {
                if (part.startsWith(key + "="))
                {
                    return Long.parseLong(part.substring(key.length() + 1));
                }
            }
        }
        return otherwise;
    }
}
