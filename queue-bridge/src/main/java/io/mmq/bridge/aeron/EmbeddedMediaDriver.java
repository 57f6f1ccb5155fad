package io.mmq.bridge.aeron;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.aeron.CncFileDescriptor;

import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.exceptions.ActiveDriverException;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An Aeron media driver running inside this JVM, in an Aeron directory of its own. The driver owns the
 * log buffers and counters every {@link AeronClient} pointed at the same directory shares, from any
 * process: for {@code aeron:ipc} the publisher writes into a log buffer in that directory and each
 * subscriber reads it in place, while the driver tracks the subscribers' positions and moves the
 * publisher's limit on as they advance (flow control), a step of an eighth of the window at a time.
 *
 * <p>One directory, one driver. Launching on a directory whose driver is alive (its heartbeat in
 * {@code cnc.dat} is fresh) throws {@link AeronDirectoryInUseException}; a directory left behind by a
 * driver that died is wiped and reused: at once when the process its {@code cnc.dat} names is gone, else
 * once its heartbeat is older than Aeron's driver timeout, as Aeron does. {@link #close()} stops the driver and deletes its
 * directory.
 *
 * <p>{@link #launch} is for IPC, {@link #launchForUdp} for the bridges between hosts. The IPC settings are
 * those of Aeron's own IPC profile ({@code aeron-ipc.properties} in aeron-driver):
 * {@link ThreadingMode#SHARED}, one thread for the conductor, sender and receiver; an 8 KiB MTU for IPC
 * publications, so a large message is fewer fragments; log files written whole, not sparse, so the
 * driver touches their pages before anyone maps them. The one setting not taken is that profile's
 * busy-spinning shared thread: here it idles with Aeron's default backoff (spin, yield, then park for up
 * to 1 ms). On a machine with two cores whose two ends of a link already spin, a third spinning thread
 * would take a core away from them. The driver is off the data path of IPC, but not off its flow
 * control: the publisher's limit moves on only when this thread runs, so a publisher that has used up
 * its window waits for the thread to wake, or on a busy machine to be scheduled. A UDP driver may instead
 * run no thread at all and be run by its owner's ({@link ThreadingMode#INVOKER}, see
 * {@link #launchForUdp(Path, ThreadingMode)}), as the bridges run theirs.
 */
public final class EmbeddedMediaDriver implements AutoCloseable
{
    /** Aeron's IPC profile's MTU: a message longer than this, less a 32-byte header, is fragmented. */
    public static final int IPC_MTU_LENGTH = 8 * 1024;

    /**
     * The UDP MTU: Aeron's default, which with the IP and UDP headers fits an Ethernet frame of 1500 bytes,
     * so that no datagram is fragmented by IP (where one lost piece loses the whole datagram).
     */
    public static final int UDP_MTU_LENGTH = 1408;

    /**
     * The receiver window: how many bytes a sender may have sent beyond what the subscriber has consumed.
     * Aeron's default; it bounds the data in flight, and so what a stalled subscriber lets through before its
     * sender is back-pressured.
     */
    public static final int UDP_RECEIVER_WINDOW = 128 * 1024;

    /**
     * The UDP socket buffers: the receiver window fits the receive buffer (Aeron's rule), and Linux's default
     * limit ({@code net.core.rmem_max}, 208 KiB) allows it without tuning.
     */
    public static final int UDP_SOCKET_BUFFER = 128 * 1024;

    /**
     * How long a sender with no status message from its receiver stays connected, and how long a receiver
     * keeps an image that hears nothing from its sender (both Aeron's 5 s and 10 s defaults, shortened to 5
     * s each): past it the peer counts as gone. A network silence longer than this ends the stream; what the
     * sender sent meanwhile is then reported by the inbound bridge as a gap.
     */
    public static final long UDP_PEER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    /**
     * How long a closed UDP publication stays with its driver, sending again what its receiver reports lost
     * (Aeron's default is 5 s): a bridge that stops cleanly waits this long after everything was sent once.
     */
    public static final long UDP_LINGER_NS = TimeUnit.SECONDS.toNanos(1);

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
        return launch(absolute, commonContext(absolute)
            .ipcMtuLength(IPC_MTU_LENGTH)
            .termBufferSparseFile(false));
    }

    /**
     * Starts a driver for UDP links (the bridges between hosts) in {@code directory}, created if missing. The
     * settings are the shared-thread ones of {@link #launch}, with these for the network, each explicit so
     * that neither end depends on the other's system properties: the {@link #UDP_MTU_LENGTH MTU}, the
     * {@link #UDP_RECEIVER_WINDOW receiver window}, the {@link #UDP_SOCKET_BUFFER socket buffers} and the
     * {@link #UDP_PEER_TIMEOUT_NS peer timeouts} and the {@link #UDP_LINGER_NS linger}. Log buffers are sparse files (Aeron's default): a UDP
     * publication's terms are as large as its longest message needs, and only the pages written are touched.
     *
     * <p>One setting is left to system properties on purpose: Aeron's {@code aeron.ReceiveChannelEndpoint.supplier},
     * so that a test can put {@code io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier} (with
     * {@code aeron.debug.receive.data.loss.rate}) in front of the receiver and lose packets on purpose.
     *
     * @throws AeronDirectoryInUseException if a live driver already uses {@code directory}.
     */
    public static EmbeddedMediaDriver launchForUdp(final Path directory)
    {
        return launchForUdp(directory, ThreadingMode.SHARED);
    }

    /**
     * {@link #launchForUdp(Path)}, with the driver's duty cycle either on a thread of its own
     * ({@link ThreadingMode#SHARED}: the conductor, sender and receiver on one thread) or run by the caller
     * ({@link ThreadingMode#INVOKER}: nothing happens unless the thread that owns the driver calls
     * {@link #invoker()}'s {@code invoke()}, or an {@link AeronClient#connect(EmbeddedMediaDriver) invoked
     * client's} {@link AeronClient#invoke()}, often, while it waits too: how often sets how soon the far
     * side hears back, and past Aeron's timeouts, 5 s for a peer and 10 s for a client, the link is lost).
     *
     * <p>The bridges take the second. Their thread then hands a message to the network itself, and takes one
     * from it: with a driver thread of its own, a message would wait once more for a sleeping thread to wake,
     * on each side, and two more threads would share the machine's cores with the path.
     *
     * @throws AeronDirectoryInUseException if a live driver already uses {@code directory}.
     * @throws IllegalArgumentException for any other threading mode.
     */
    public static EmbeddedMediaDriver launchForUdp(final Path directory, final ThreadingMode threading)
    {
        if (threading != ThreadingMode.SHARED && threading != ThreadingMode.INVOKER)
        {
            throw new IllegalArgumentException("a UDP driver runs SHARED or INVOKER, not " + threading);
        }
        final Path absolute = directory.toAbsolutePath();
        return launch(absolute, commonContext(absolute)
            .mtuLength(UDP_MTU_LENGTH)
            .initialWindowLength(UDP_RECEIVER_WINDOW)
            .socketRcvbufLength(UDP_SOCKET_BUFFER)
            .socketSndbufLength(UDP_SOCKET_BUFFER)
            .publicationConnectionTimeoutNs(UDP_PEER_TIMEOUT_NS)
            .imageLivenessTimeoutNs(UDP_PEER_TIMEOUT_NS)
            .publicationLingerTimeoutNs(UDP_LINGER_NS)
            .termBufferSparseFile(true)
            .threadingMode(threading));
    }

    private static MediaDriver.Context commonContext(final Path absolute)
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(absolute.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(Configuration.IDLE_MAX_SPINS, Configuration.IDLE_MAX_YIELDS,
                Configuration.IDLE_MIN_PARK_NS, Configuration.IDLE_MAX_PARK_NS))
            // A live driver's directory is refused, never wiped; ours goes when we close.
            .dirDeleteOnStart(false)
            .dirDeleteOnShutdown(true);
    }

    private static EmbeddedMediaDriver launch(final Path absolute, final MediaDriver.Context context)
    {
        wipeIfItsDriverIsDead(absolute);
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
     * A directory whose {@code cnc.dat} names a process that no longer exists was left by a driver that
     * died ({@code kill -9}): it is wiped at once, instead of being refused until its heartbeat is older than
     * Aeron's driver timeout (10 s), so that a bridge killed and started again does not wait. When the
     * process is alive, or cannot be told (no {@code cnc.dat} yet, no process id in it), Aeron's heartbeat
     * check decides. The process id is looked up in this process's PID namespace: a driver in a container
     * of its own sharing the directory is not visible here, so do not share Aeron directories across PID
     * namespaces.
     */
    private static void wipeIfItsDriverIsDead(final Path directory)
    {
        final File cnc = directory.resolve(CncFileDescriptor.CNC_FILE).toFile();
        if (!cnc.isFile() || cnc.length() < CncFileDescriptor.META_DATA_LENGTH)
        {
            return;
        }
        long pid = 0;
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(cnc, "cnc");
        try
        {
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(mapped);
            // Only a cnc.dat of this Aeron's layout is read for a process id; anything else is Aeron's to judge.
            if (metaData.getIntVolatile(CncFileDescriptor.cncVersionOffset(0)) == CncFileDescriptor.CNC_VERSION)
            {
                pid = CncFileDescriptor.pid(metaData);
            }
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
        final boolean gone = pid > 0 && pid != ProcessHandle.current().pid() &&
            !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (gone)
        {
            IoUtil.delete(directory.toFile(), true);
        }
    }

    /**
     * @return the driver's duty cycle, for its owner's thread to run, when launched {@link ThreadingMode#INVOKER};
     *         {@code null} when the driver has a thread of its own.
     */
    public AgentInvoker invoker()
    {
        return driver.sharedAgentInvoker();
    }

    /**
     * @return the Aeron directory, absolute: what {@link AeronClient#connect(Path)} is given.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Stops the driver (its thread, or its invoked duty cycle) and deletes its directory. Close the clients
     * first: a client whose driver is gone notices only when the driver's heartbeat times out. Safe to call
     * twice.
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
