package io.mmq.bridge.aeron;

import java.nio.file.Path;

import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.exceptions.ActiveDriverException;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * An Aeron media driver running inside this JVM, in an Aeron directory of its own. The driver owns the
 * log buffers and counters every {@link AeronClient} pointed at the same directory shares, from any
 * process: for {@code aeron:ipc} the publisher writes into a log buffer in that directory and each
 * subscriber reads it in place, while the driver tracks the subscribers' positions and moves the
 * publisher's limit on as they advance (flow control), a step of an eighth of the window at a time.
 *
 * <p>One directory, one driver. Launching on a directory whose driver is alive (its heartbeat in
 * {@code cnc.dat} is fresh) throws {@link AeronDirectoryInUseException}; a directory left behind by a
 * driver that died is wiped and reused, as Aeron does. {@link #close()} stops the driver and deletes its
 * directory.
 *
 * <p>The settings are those of Aeron's own IPC profile ({@code aeron-ipc.properties} in aeron-driver):
 * {@link ThreadingMode#SHARED}, one thread for the conductor, sender and receiver; an 8 KiB MTU for IPC
 * publications, so a large message is fewer fragments; log files written whole, not sparse, so the
 * driver touches their pages before anyone maps them. The one setting not taken is that profile's
 * busy-spinning shared thread: here it idles with Aeron's default backoff (spin, yield, then park for up
 * to 1 ms). On a machine with two cores whose two ends of a link already spin, a third spinning thread
 * would take a core away from them. The driver is off the data path of IPC, but not off its flow
 * control: the publisher's limit moves on only when this thread runs, so a publisher that has used up
 * its window waits for the thread to wake, or on a busy machine to be scheduled.
 */
public final class EmbeddedMediaDriver implements AutoCloseable
{
    /** Aeron's IPC profile's MTU: a message longer than this, less a 32-byte header, is fragmented. */
    public static final int IPC_MTU_LENGTH = 8 * 1024;

    private final Path directory;
    private final MediaDriver driver;
    private boolean closed;

    private EmbeddedMediaDriver(final Path directory, final MediaDriver driver)
    {
        this.directory = directory;
        this.driver = driver;
    }

    /**
     * Starts a driver in {@code directory}, created if missing.
     *
     * @throws AeronDirectoryInUseException if a live driver already uses {@code directory}.
     */
    public static EmbeddedMediaDriver launch(final Path directory)
    {
        final Path absolute = directory.toAbsolutePath();
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(absolute.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(Configuration.IDLE_MAX_SPINS, Configuration.IDLE_MAX_YIELDS,
                Configuration.IDLE_MIN_PARK_NS, Configuration.IDLE_MAX_PARK_NS))
            .ipcMtuLength(IPC_MTU_LENGTH)
            .termBufferSparseFile(false)
            // A live driver's directory is refused, never wiped; ours goes when we close.
            .dirDeleteOnStart(false)
            .dirDeleteOnShutdown(true);
        try
        {
            return new EmbeddedMediaDriver(absolute, MediaDriver.launch(context));
        }
        catch (final ActiveDriverException ex)
        {
            // Not context.close(): with dirDeleteOnShutdown it would delete the live driver's directory.
            throw new AeronDirectoryInUseException(absolute, ex);
        }
    }

    /**
     * @return the Aeron directory, absolute: what {@link AeronClient#connect(Path)} is given.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Stops the driver's thread and deletes its directory. Close the clients first: a client whose driver
     * is gone notices only when the driver's heartbeat times out. Safe to call twice.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            CloseHelper.close(driver);
        }
        finally
        {
            // The conductor deletes the directory as it closes (dirDeleteOnShutdown); this makes sure.
            IoUtil.delete(directory.toFile(), true);
        }
    }

    @Override
    public String toString()
    {
        return "EmbeddedMediaDriver{" + directory + "}";
    }
}
