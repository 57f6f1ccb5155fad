package io.mmq.examples.container;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import io.mmq.examples.python.PatternConsumerProcess;
import io.mmq.mmap.process.Child;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * One process of a test, run in a Docker container of the test image, sharing a queue with the host
 * through a bind mount of the queue file's directory: the same file, so the same pages of memory, never a
 * copy. The process runs as the queue file's owner (the file is owner-only by default) unless told
 * otherwise, in PID, IPC, mount and network namespaces of its own, with no network at all. The image is
 * built locally ({@code src/test/container/build-image.sh}) and never pulled.
 *
 * <p>The program's first argument is always the queue file as the container sees it ({@value #QUEUE_DIR}/name):
 * a different path from the host's, since only the file matters. Its standard output is read line by
 * line, as {@link Child} reads a host process's.
 */
final class QueueContainer implements AutoCloseable
{
    /** Where the queue file's directory is mounted inside the container. */
    static final String QUEUE_DIR = "/queue";

    /** The Python reader's consumer that checks {@code PatternMessages} traffic. */
    static final String PYTHON_PATTERN_CONSUMER = "/mmq/python/tests/pattern_consumer.py";

    /** A Python consumer that waits for one message asleep in the kernel. */
    static final String PYTHON_SLEEPING_CONSUMER = "/mmq/scripts/sleeping_consumer.py";

    /** Started is enough: a process that ends at once is for the test to judge, by its output and exit code. */
    private static final StartupCheckStrategy STARTED = new StartupCheckStrategy()
    {
        @Override
        public StartupStatus checkStartupState(final DockerClient client, final String containerId)
        {
            return StartupStatus.SUCCESSFUL;
        }
    };

    private final String name;
    private final GenericContainer<?> container;
    // Output as it arrives, guarded by this object's monitor, which awaitLine waits on.
    private final List<String> output = new ArrayList<>();
    private final StringBuilder errors = new StringBuilder();
    private int linesRead;
    private boolean outputEnded;

    private QueueContainer(final String name, final Path queueFile, final String user, final List<String> command)
    {
        this.name = name;
        final GenericContainer<?> created = new GenericContainer<>(DockerImageName.parse(image()))
            .withImagePullPolicy(image -> false) // no registry is reachable: a missing image fails at once
            .withNetworkMode("none")
            .withFileSystemBind(queueFile.getParent().toString(), QUEUE_DIR, BindMode.READ_WRITE)
            .withFileSystemBind(hostPath("mmq.jar"), "/mmq/mmq.jar", BindMode.READ_ONLY)
            .withFileSystemBind(hostPath("mmq.python"), "/mmq/python", BindMode.READ_ONLY)
            .withFileSystemBind(hostPath("mmq.container.scripts"), "/mmq/scripts", BindMode.READ_ONLY)
            .withEnv("PYTHONPATH", "/mmq/python")
            .withCreateContainerCmdModifier(cmd -> cmd.withUser(user))
            .withStartupCheckStrategy(STARTED)
            .withLogConsumer(this::onOutput)
            .withCommand(command.toArray(String[]::new));
        for (final String entry : TestClassPath.ENTRIES)
        {
            created.withFileSystemBind(entry, TestClassPath.inContainer(entry), BindMode.READ_ONLY);
        }
        this.container = created;
        try
        {
            container.start();
        }
        catch (final RuntimeException ex)
        {
            container.stop(); // nothing else removes it: the tests run without Testcontainers' reaper
            throw ex;
        }
    }

    /**
     * Runs {@code main} (from mmq.jar or the test classes) in a JVM in a new container, as the queue file's owner.
     */
    static QueueContainer java(final String name, final Path queueFile, final Class<?> main, final Object... args)
        throws IOException
    {
        return java(owner(queueFile), name, queueFile, main, args);
    }

    /**
     * Runs {@code main} in a new container as {@code user} ("uid:gid").
     */
    static QueueContainer java(final String user, final String name, final Path queueFile, final Class<?> main,
        final Object... args)
    {
        final List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(List.of(System.getProperty("mmq.jvm.flags", "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED")
            .split(" ")));
        command.add("-cp");
        command.add(TestClassPath.inContainer());
        command.add(main.getName());
        return new QueueContainer(name, queueFile, user, withArguments(command, queueFile, args));
    }

    /**
     * Runs a Python script (a path inside the container, such as {@link #PYTHON_PATTERN_CONSUMER}) in a new
     * container; the Python reader is on its path.
     */
    static QueueContainer python(final String name, final Path queueFile, final String script, final Object... args)
        throws IOException
    {
        return new QueueContainer(name, queueFile, owner(queueFile), withArguments(List.of("python3", "-u", script),
            queueFile, args));
    }

    /**
     * @return "uid:gid" of the file's owner: the user a container must run as to open an owner-only queue.
     */
    static String owner(final Path file) throws IOException
    {
        return Files.getAttribute(file, "unix:uid") + ":" + Files.getAttribute(file, "unix:gid");
    }

    /**
     * @return the test image's name: MMQ_TEST_IMAGE if set (build-image.sh reads it too), else the pom's.
     */
    static String image()
    {
        return System.getenv().getOrDefault("MMQ_TEST_IMAGE",
            System.getProperty("mmq.container.image", "mmq-container-test:bookworm-jre17-py3"));
    }

    private static List<String> withArguments(final List<String> program, final Path queueFile, final Object... args)
    {
        final List<String> command = new ArrayList<>(program);
        command.add(QUEUE_DIR + "/" + queueFile.getFileName());
        for (final Object arg : args)
        {
            command.add(String.valueOf(arg));
        }
        return command;
    }

    private static String hostPath(final String property)
    {
        final String path = System.getProperty(property);
        if (null == path || !Files.exists(Path.of(path)))
        {
            throw new IllegalStateException("system property " + property + " must name an existing path (set by " +
                "queue-examples/pom.xml for failsafe; run the container tests with mvn verify), got " + path);
        }
        return path;
    }

    private synchronized void onOutput(final OutputFrame frame)
    {
        if (frame == OutputFrame.END)
        {
            outputEnded = true;
        }
        else if (frame.getType() == OutputFrame.OutputType.STDERR)
        {
            errors.append(frame.getUtf8String());
        }
        else
        {
            output.add(frame.getUtf8StringWithoutLineEnding());
        }
        notifyAll();
    }

    /**
     * @return the first unread output line that starts with {@code prefix}; fails after {@code seconds}, or
     * as soon as the process has ended without printing one.
     */
    synchronized String awaitLine(final String prefix, final long seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true)
        {
            while (linesRead < output.size())
            {
                final String line = output.get(linesRead++);
                if (line.startsWith(prefix))
                {
                    return line;
                }
            }
            final long remaining = deadline - System.nanoTime();
            if (outputEnded || remaining <= 0)
            {
                throw new AssertionError(name + " (container): no line starting with '" + prefix + "' " +
                    (outputEnded ? "before its output ended" : "within " + seconds + " s") + "; output " + output +
                    "; stderr:\n" + errors);
            }
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
        }
    }

    /**
     * @return the process id of the container's process as the host sees it.
     */
    long hostPid()
    {
        return container.getCurrentContainerInfo().getState().getPidLong();
    }

    /**
     * Stops the container abruptly, as {@code docker kill} does: SIGKILL to its process, no clean-up.
     */
    void kill()
    {
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }

    /**
     * @return the process's exit code, once it has exited and all of its output has been read.
     */
    int awaitExit(final long seconds) throws InterruptedException
    {
        final int status = container.getDockerClient().waitContainerCmd(container.getContainerId())
            .exec(new WaitContainerResultCallback()).awaitStatusCode(seconds, TimeUnit.SECONDS);
        synchronized (this)
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!outputEnded && deadline - System.nanoTime() > 0)
            {
                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
            }
        }
        return status;
    }

    synchronized String errors()
    {
        return errors.toString();
    }

    String name()
    {
        return name;
    }

    /** Removes the container (killing its process first if it still runs). */
    @Override
    public void close()
    {
        container.stop();
    }

    /**
     * The test classes the containers run, mounted read-only beside mmq.jar: this module's (the pattern
     * consumer and producer) and queue-mmap's test jar (its stalling and sleeping processes).
     */
    private static final class TestClassPath
    {
        static final List<String> ENTRIES = locations(PatternConsumerProcess.class, Child.class);

        private static List<String> locations(final Class<?>... classes)
        {
            final Set<String> entries = new LinkedHashSet<>();
            for (final Class<?> type : classes)
            {
                try
                {
                    entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
                }
                catch (final URISyntaxException ex)
                {
                    throw new IllegalStateException("cannot locate the classes of " + type.getName(), ex);
                }
            }
            return List.copyOf(entries);
        }

        static String inContainer(final String entry)
        {
            return "/mmq/classpath/" + ENTRIES.indexOf(entry) + (entry.endsWith(".jar") ? ".jar" : "");
        }

        static String inContainer()
        {
            final StringBuilder classPath = new StringBuilder("/mmq/mmq.jar");
            for (final String entry : ENTRIES)
            {
                classPath.append(':').append(inContainer(entry));
            }
            return classPath.toString();
        }
    }
}
