package io.mmq.bridge.aeron;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.mmq.ConsumerOptions;
import io.mmq.StartPosition;

/**
 * How an Aeron UDP bridge runs, in either direction: its media driver's directory, how long it waits for the
 * far side at start, when it stops on its own, and (outbound) the named consumer it reads the queue as.
 * Immutable; the {@code with} methods return a copy.
 */
public final class UdpOptions
{
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Path aeronDirectory;
    private final Duration timeout;
    private final Duration idleExit;
    private final String consumerName;
    private final StartPosition start;

    private UdpOptions(final Path aeronDirectory, final Duration timeout, final Duration idleExit, final String consumerName,
        final StartPosition start)
    {
        this.aeronDirectory = aeronDirectory;
        this.timeout = timeout;
        this.idleExit = idleExit;
        this.consumerName = consumerName;
        this.start = start;
    }

    /**
     * @param aeronDirectory the directory of the bridge's own media driver; refused if a live driver uses it.
     */
    public static UdpOptions inDirectory(final Path aeronDirectory)
    {
        return new UdpOptions(Objects.requireNonNull(aeronDirectory, "aeronDirectory"), DEFAULT_TIMEOUT, null, null,
            StartPosition.EARLIEST);
    }

    /**
     * @return {@code /dev/shm/aeron-mmq-bridge-LABEL} (or the same under the temporary directory where there is
     *         no {@code /dev/shm}), with the characters a file name should not have replaced.
     */
    public static Path defaultDirectory(final String label)
    {
        final Path shm = Path.of("/dev/shm");
        final Path base = java.nio.file.Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return base.resolve("aeron-mmq-bridge-" + label.replaceAll("[^A-Za-z0-9._-]", "-"));
    }

    /**
     * @return {@code bridge:aeron:HOST:PORT}, the outbound bridge's consumer name unless given one.
     */
    public static String defaultConsumerName(final UdpUri target)
    {
        return "bridge:aeron:" + target.endpoint();
    }

    /** How long to wait for the far side at start (outbound: a connected subscriber) and for a clean stop's drain. */
    public UdpOptions withTimeout(final Duration timeout)
    {
        if (timeout.toMillis() < 100 || timeout.toMillis() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("the timeout must be from 0.1 s to 24 days: " + timeout);
        }
        return new UdpOptions(aeronDirectory, timeout, idleExit, consumerName, start);
    }

    /** Stop once nothing has arrived for this long (and, outbound, everything read has been offered); null: never. */
    public UdpOptions withIdleExit(final Duration idleExit)
    {
        if (null != idleExit && idleExit.isNegative())
        {
            throw new IllegalArgumentException("the idle exit must not be negative: " + idleExit);
        }
        return new UdpOptions(aeronDirectory, timeout, idleExit, consumerName, start);
    }

    /** Outbound: the named consumer to read as; by default {@code bridge:aeron:HOST:PORT}. */
    public UdpOptions withConsumerName(final String name)
    {
        ConsumerOptions.checkName(name);
        return new UdpOptions(aeronDirectory, timeout, idleExit, name, start);
    }

    /** Outbound: where a new name starts (an existing one resumes at its committed position); EARLIEST by default. */
    public UdpOptions startingAt(final StartPosition start)
    {
        return new UdpOptions(aeronDirectory, timeout, idleExit, consumerName, Objects.requireNonNull(start, "start"));
    }

    public Path aeronDirectory()
    {
        return aeronDirectory;
    }

    public Duration timeout()
    {
        return timeout;
    }

    public Duration idleExit()
    {
        return idleExit;
    }

    /** @return the consumer name set, or null for the default of the target. */
    public String consumerName()
    {
        return consumerName;
    }

    public StartPosition start()
    {
        return start;
    }
}
