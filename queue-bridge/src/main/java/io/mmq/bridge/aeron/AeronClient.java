package io.mmq.bridge.aeron;

import java.nio.file.Path;

import io.aeron.Aeron;
import io.aeron.exceptions.AeronException;
import io.aeron.exceptions.ChannelEndpointException;
import io.aeron.exceptions.DriverTimeoutException;
import io.aeron.exceptions.TimeoutException;
import io.mmq.MmqException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentTerminationException;

/**
 * A connection to the media driver of one Aeron directory, in this process: what links are made from.
 * {@link #publish} gives an {@link OutboundLink} and {@link #subscribe} an {@link InboundLink} on a channel
 * URI and stream id, {@code aeron:ipc} between processes of this machine or {@code aeron:udp?endpoint=...}
 * between machines. Closing the client closes every link made from it.
 *
 * <p>The client runs Aeron's client conductor, which keeps its registrations alive with the driver: on a
 * thread of its own that sleeps between its rounds ({@link #connect(Path)}), or, with a driver run by its
 * owner ({@link #connect(EmbeddedMediaDriver)}), on the owner's thread, at each {@link #invoke()}. The links
 * themselves never wait, and allocate only to grow the buffer in which an {@link InboundLink} puts a
 * fragmented message together. If the driver stops answering (its heartbeat is older than the driver
 * timeout, 10 s by default), or an invoked client is not invoked for as long (Aeron's service interval),
 * Aeron closes the client, and with it every link: an offer then returns {@link OutboundLink#CLOSED}, a
 * subscription is closed. A client with a conductor thread reports it on standard error through Aeron's
 * default error handler (a stack trace); an invoked one keeps it for its owner to name ({@link #closedBy()}),
 * ends its owner on a channel's failure (from {@link #invoke()}) and prints any other error of Aeron's as a
 * warning line.
 */
public final class AeronClient implements AutoCloseable
{
    private final Path directory;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final InvokedErrors errors;

    private AeronClient(final Path directory, final Aeron aeron, final AgentInvoker driverInvoker, final InvokedErrors errors)
    {
        this.directory = directory;
        this.aeron = aeron;
        this.driverInvoker = driverInvoker;
        this.errors = errors;
    }

    /**
     * Connects to the driver running in {@code directory}, waiting for it up to the driver timeout (10 s by
     * default) if it is starting.
     *
     * @throws MmqException naming the directory if no driver answers there.
     */
    public static AeronClient connect(final Path directory)
    {
        return connect(directory.toAbsolutePath(), null);
    }

    /**
     * Connects to {@code driver}, in this JVM. When the driver is {@linkplain EmbeddedMediaDriver#invoker()
     * invoked}, so is the client: neither has a thread, and {@link #invoke()} runs both, on the thread that
     * calls it. That thread must call it often, also while it waits: the client's keep-alives, the driver's
     * status messages, retransmissions and timers happen only then. How often sets how soon the far side
     * hears back (the bridges: every millisecond at least); the hard limits are Aeron's timeouts, 5 s for a
     * peer ({@link EmbeddedMediaDriver#UDP_PEER_TIMEOUT_NS}) and 10 s for the client, which Aeron then
     * closes. Every call on the client, and on what it made, must come from that thread.
     *
     * @throws MmqException naming the directory if the driver does not answer.
     */
    public static AeronClient connect(final EmbeddedMediaDriver driver)
    {
        return connect(driver.directory(), driver.invoker());
    }

    private static AeronClient connect(final Path absolute, final AgentInvoker driverInvoker)
    {
        final Aeron.Context context = new Aeron.Context().aeronDirectoryName(absolute.toString());
        final InvokedErrors errors = null == driverInvoker ? null : new InvokedErrors();
        if (null != driverInvoker)
        {
            context.useConductorAgentInvoker(true).driverAgentInvoker(driverInvoker).errorHandler(errors);
        }
        try
        {
            return new AeronClient(absolute, Aeron.connect(context), driverInvoker, errors);
        }
        catch (final DriverTimeoutException ex)
        {
            throw new MmqException("no Aeron media driver answered in " + absolute + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Runs one duty cycle of an invoked client and its driver ({@link #connect(EmbeddedMediaDriver)}); does
     * nothing for a client with a conductor thread.
     *
     * @return the work done (0 when there was none, which tells an idle strategy to back off).
     */
    public int invoke()
    {
        if (null == driverInvoker)
        {
            return 0;
        }
        // Both: the client's conductor runs the driver's duty cycle only while it waits for an answer from it.
        final int work = driverInvoker.invoke() + aeron.conductorAgentInvoker().invoke();
        if (null != errors.channelFailure)
        {
            // A channel in error carries nothing more: going on would wait on it for ever.
            throw new MmqException("Aeron failed on a channel: " + oneLine(errors.channelFailure) + "; start the bridge again");
        }
        return work;
    }

    /**
     * @return for an invoked client that Aeron closed, why, in one line (Aeron's timeout: {@code service interval
     *         exceeded ...}, {@code client timeout from driver} or the driver's keepalive); else null.
     */
    public String closedBy()
    {
        return null == errors ? null : errors.closedBy;
    }

    /**
     * @param what what was closed with the client, such as {@code "the publication to HOST:PORT"}.
     * @return one line for the user: Aeron closed it, why, and what to do.
     */
    String closedMessage(final String what)
    {
        final String closedBy = closedBy();
        // Each of Aeron's timeouts, for a client and a driver both run by one thread, means that thread stood still.
        return "Aeron closed " + what + (null == closedBy ? "" : " (" + closedBy + "): the bridge's thread was " +
            "held up past Aeron's 10 s client timeout (a long GC pause, a stopped process?)") + "; start the bridge again";
    }

    /** @return the error's message (or, without one, its class) on one line. */
    static String oneLine(final Throwable error)
    {
        final String message = null == error.getMessage() ? error.getClass().getSimpleName() : error.getMessage();
        return message.replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * Adds an exclusive publication: one thread offers on it, which spares each offer the atomic
     * increment a publication shared by threads pays.
     *
     * @param channel  an Aeron channel URI, such as {@code aeron:ipc?term-length=2m}.
     * @param streamId which stream of the channel.
     * @throws MmqException naming the channel and stream if the driver refuses them.
     */
    public OutboundLink publish(final String channel, final int streamId)
    {
        try
        {
            return new OutboundLink(aeron.addExclusivePublication(channel, streamId));
        }
        catch (final AeronException ex)
        {
            throw new MmqException("could not publish on " + channel + " stream " + streamId + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Adds a subscription. On {@code aeron:ipc} it joins each publication of the stream at the
     * publication's current position: what was published before it joined is not delivered.
     *
     * @param channel  an Aeron channel URI, such as {@code aeron:ipc}.
     * @param streamId which stream of the channel.
     * @throws MmqException naming the channel and stream if the driver refuses them.
     */
    public InboundLink subscribe(final String channel, final int streamId)
    {
        try
        {
            return new InboundLink(aeron.addSubscription(channel, streamId));
        }
        catch (final AeronException ex)
        {
            throw new MmqException("could not subscribe to " + channel + " stream " + streamId + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the Aeron client itself, for the bridges, which need what the links do not show (reserved
     *         values, images, counters).
     */
    Aeron aeron()
    {
        return aeron;
    }

    /**
     * @return the Aeron directory of the driver this client talks to.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Closes every link made from this client and stops its conductor. Safe to call twice.
     */
    @Override
    public void close()
    {
        CloseHelper.close(aeron);
    }

    /**
     * Aeron's error handler for an invoked client, instead of Aeron's default, which prints a stack trace (and on
     * a driver timeout ends the JVM from a thread of its own). Every call comes from the owner's thread, inside
     * {@link #invoke()}. A timeout is Aeron closing the client (its owner's thread did not invoke it for its
     * client timeout, 10 s by default): kept, for the owner's one line when it finds its publication or
     * subscription closed. A channel's failure ends the bridge from {@link #invoke()}. Anything else (Aeron
     * goes on after it) is a warning line on standard error, as it comes, with the error's class.
     */
    private static final class InvokedErrors implements ErrorHandler
    {
        private String closedBy;
        private Throwable channelFailure;

        @Override
        public void onError(final Throwable error)
        {
            if (error instanceof AgentTerminationException)
            {
                return; // the conductor ending, once the client was closed: nothing new
            }
            if (error instanceof ChannelEndpointException)
            {
                channelFailure = null == channelFailure ? error : channelFailure;
            }
            else if (!(error instanceof TimeoutException))
            {
                System.err.println("mmq: warning: Aeron reported " + error.getClass().getSimpleName() + ": " +
                    oneLine(error) + " (the bridge goes on)");
            }
            else if (null == closedBy)
            {
                closedBy = oneLine(error);
            }
        }
    }

    @Override
    public String toString()
    {
        return "AeronClient{" + directory + "}";
    }
}
