package io.mmq.bridge.aeron;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.ReservedValueSupplier;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.SenderPos;
import io.aeron.exceptions.AeronException;
import io.aeron.status.ChannelEndpointStatus;
import io.mmq.ConsumerOptions;
import io.mmq.MessageHandler;
import io.mmq.MessageQueue;
import io.mmq.MmqException;
import io.mmq.bridge.RunnableBridge;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * The outbound Aeron UDP bridge: forwards every message of a queue, in order, to an inbound bridge on another
 * host over an exclusive Aeron publication on {@code aeron:udp?endpoint=HOST:PORT} (stream
 * {@link #STREAM_ID}), from a media driver of its own.
 *
 * <ul>
 *   <li>It reads the queue as a <b>named consumer with explicit commits</b>
 *       ({@code bridge:aeron:HOST:PORT}), one message at a time through the offer: an offer refused
 *       ({@code BACK_PRESSURED}, {@code NOT_CONNECTED}, {@code ADMIN_ACTION}) is tried again, and the bridge
 *       polls nothing more until it succeeds. So it never reads ahead of the publication, and when the far
 *       side stalls or goes away the queue's producer is held back by the bridge's committed position.</li>
 *   <li>Each message is offered whole (Aeron fragments it at the MTU, the inbound bridge puts it back
 *       together): the Aeron payload is the message, byte for byte. Every frame carries the message's
 *       {@link SourcePosition} (where the message before it ended, and the ring's capacity) in its reserved
 *       value, so that the inbound bridge detects a gap or a repeat. Before the first message, and then
 *       between polls of the queue every {@link #IDENTITY_INTERVAL_NS 100 ms}, one frame names the queue those
 *       positions count in: its creation id ({@link SourcePosition#IDENTITY}).</li>
 *   <li><b>It commits each message once its offer succeeded</b>: the message is then in the publication's
 *       log, which the driver sends and resends until the receiver has it (Aeron's reliable unicast). The
 *       queue's consumer API commits only through the last message read, so committing later (when the far
 *       side has the message) would mean reading no further until then, one round trip per message. The
 *       price: a {@code kill -9} of this process loses what was offered and not yet received, at most the
 *       publication's window; the inbound bridge reports it as a gap with its exact range, and never skips
 *       it silently. A clean stop ({@link #stop()}) waits, up to the timeout, until everything offered was
 *       sent, and keeps the publication while the driver lingers on it to send again what the receiver
 *       reports lost.</li>
 *   <li><b>One thread.</b> The media driver is run by the bridge's own thread
 *       ({@link EmbeddedMediaDriver#launchForUdp(java.nio.file.Path, ThreadingMode) INVOKER}): after each poll
 *       of the queue it runs the driver's duty cycle, which sends what was just offered, so that a message is
 *       not handed to a driver thread that may be asleep. With nothing to do, the thread sleeps on the queue
 *       for 1 ms at most. Every Aeron call is made from this thread.</li>
 * </ul>
 *
 * <p>On the message path it allocates nothing and takes no lock: the handler, the reserved value supplier
 * and the idle strategy are made once.
 */
public final class UdpOutbound implements RunnableBridge
{
    /** The Aeron stream of every bridge: one bridge per endpoint. */
    public static final int STREAM_ID = 1_012;

    private static final int POLL_LIMIT = 64;

    /**
     * How often the bridge names its source queue again: an inbound bridge that joins the stream part way
     * (it restarted, this one did not) drops what arrives until then, and reports it as a gap.
     */
    static final long IDENTITY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The longest the bridge's thread sleeps on an empty queue without running the driver's duty cycle. */
    private static final long DRIVER_INTERVAL_MICROS = 1_000;

    /**
     * A clock read this long after the one before it in the same poll (a thousand times the poll's 1 ms wait, a
     * tenth of Aeron's 10 s service interval) follows a stall of the whole process: the driver's duty cycle runs
     * before the next message is offered, to learn whether Aeron closed the client meanwhile.
     */
    private static final long STALL_NS = TimeUnit.SECONDS.toNanos(1);

    /** The handler reads the clock before the first message of a poll and every this many after it. */
    private static final int MESSAGES_PER_CLOCK_READ = 8;
    private static final int MIN_TERM_LENGTH = 64 * 1024;
    private static final int MAX_AERON_MESSAGE = 16 * 1024 * 1024;

    /** Thrown from the handler to leave a message unoffered, uncommitted, when asked to stop. No stack trace. */
    private static final RuntimeException STOPPED = new RuntimeException("stopped", null, false, false)
    {
    };

    private final MessageQueue queue;
    private final UdpUri target;
    private final UdpOptions options;
    private final String consumerName;
    private final EmbeddedMediaDriver driver;
    private final AeronClient client;
    private final ExclusivePublication publication;
    private final int capacity;
    private final UdpOutboundCounters counters = new UdpOutboundCounters();
    private final IdleStrategy idle = new BackoffIdleStrategy();
    private final MessageHandler handler = this::onMessage;
    private final ReservedValueSupplier reservedValues = this::reservedValue;
    private final UnsafeBuffer identity = new UnsafeBuffer(new byte[SourcePosition.IDENTITY_LENGTH]);
    private int senderPositionId = CountersReader.NULL_COUNTER_ID;
    private io.mmq.Consumer consumer;
    private long reservedValue;
    private long previousEnd;
    private boolean identityNotConnected;
    /** Whether the next message's offer names the source queue first: the publication was not connected since it last did. */
    private boolean nameFirst;
    private long clockReadNs;
    private int messagesInPoll;
    private volatile boolean stopping;

    private UdpOutbound(final MessageQueue queue, final UdpUri target, final UdpOptions options, final String consumerName,
        final EmbeddedMediaDriver driver, final AeronClient client, final ExclusivePublication publication)
    {
        this.queue = queue;
        this.target = target;
        this.options = options;
        this.consumerName = consumerName;
        this.driver = driver;
        this.client = client;
        this.publication = publication;
        this.capacity = queue.options().capacity();
    }

    /**
     * Starts the bridge's media driver, adds the publication and waits up to the timeout for an inbound bridge
     * to connect, without touching the queue (no consumer is made).
     *
     * @throws AeronDirectoryInUseException if a live driver uses the options' directory.
     * @throws MmqException with one line for the user if no inbound bridge answers within the timeout, the
     *         address cannot be used, or the queue's messages can be longer than Aeron carries.
     * @throws IllegalArgumentException if the consumer name (by default {@code bridge:aeron:HOST:PORT}) is too long.
     */
    public static UdpOutbound prepare(final MessageQueue queue, final UdpUri target, final UdpOptions options)
    {
        final String name = null == options.consumerName() ? UdpOptions.defaultConsumerName(target) : options.consumerName();
        try
        {
            ConsumerOptions.checkName(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("the bridge's consumer name is too long: " + ex.getMessage() +
                "; give it a shorter name with --name", ex);
        }
        final int maxMessage = queue.options().maxMessageLength();
        if (maxMessage > MAX_AERON_MESSAGE)
        {
            throw new MmqException("the queue's messages can be " + maxMessage + " bytes, more than the " + MAX_AERON_MESSAGE +
                " an Aeron message carries");
        }
        // A term holds at least eight of the longest message (Aeron's rule for the longest message).
        final int termLength = Math.max(MIN_TERM_LENGTH, Integer.highestOneBit(Math.max(1, maxMessage * 8 - 1)) << 1);
        final String channel = target.channel("mtu=" + EmbeddedMediaDriver.UDP_MTU_LENGTH + "|term-length=" + termLength);
        final EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(options.aeronDirectory(), ThreadingMode.INVOKER);
        AeronClient client = null;
        try
        {
            client = AeronClient.connect(driver);
            final ExclusivePublication publication;
            try
            {
                publication = client.aeron().addExclusivePublication(channel, STREAM_ID);
            }
            catch (final AeronException ex)
            {
                throw new MmqException("cannot send to " + target.endpoint() + ": " + AeronClient.oneLine(ex), ex);
            }
            final long deadline = System.nanoTime() + options.timeout().toNanos();
            while (!publication.isConnected())
            {
                if (publication.channelStatus() == ChannelEndpointStatus.ERRORED)
                {
                    throw new MmqException("cannot send to " + target.endpoint() + ": the Aeron channel is in error (" +
                        "is the address one this host can send to?)");
                }
                if (System.nanoTime() - deadline >= 0)
                {
                    throw new MmqException("no inbound bridge answered at " + target.endpoint() + " within " +
                        seconds(options.timeout()) + " (is one running there, and is the host reachable over UDP?)");
                }
                invokeOrSleep(client);
            }
            final UdpOutbound bridge = new UdpOutbound(queue, target, options, name, driver, client, publication);
            bridge.findSenderCounters();
            return bridge;
        }
        catch (final Throwable ex)
        {
            // The driver holds its directory and sockets: close it whatever went wrong.
            CloseHelper.quietCloseAll(client, driver);
            throw ex;
        }
    }

    /**
     * Gives back what {@link #prepare} took (the client and the media driver, with its directory and sockets)
     * for a bridge that will not be run.
     */
    public void discard()
    {
        CloseHelper.quietCloseAll(publication, client, driver);
    }

    public String consumerName()
    {
        return consumerName;
    }

    public UdpUri target()
    {
        return target;
    }

    public UdpOutboundCounters outboundCounters()
    {
        return counters;
    }

    @Override
    public String counters()
    {
        return counters.line();
    }

    /**
     * @return the Aeron session id of the publication, which the inbound bridge names in its lines.
     */
    public int sessionId()
    {
        return publication.sessionId();
    }

    @Override
    public void stop()
    {
        stopping = true;
    }

    /**
     * Forwards the queue until {@link #stop()} or the idle exit, then waits (up to the timeout) until the
     * driver has sent everything offered, lingers while the far side may still ask for lost packets again,
     * and closes the publication, the client and the driver.
     *
     * @param events {@code session ...} when it starts, {@code notice ...} when a clean stop could not confirm
     *               that everything offered arrived.
     * @throws io.mmq.ConsumerNameTakenException if a live process holds the consumer name.
     * @throws MmqException if the publication is closed under it or the stream reaches Aeron's largest position.
     */
    @Override
    public void run(final Consumer<String> events)
    {
        try
        {
            consumer = queue.consumer(ConsumerOptions.named(consumerName).startingAt(options.start())
                .withCommit(ConsumerOptions.Commit.EXPLICIT));
            previousEnd = consumer.position();
            counters.committedPosition.set(consumer.position());
            counters.producerPosition.set(consumer.position() + consumer.lag());
            counters.connected = publication.isConnected();
            events.accept("session consumer-position=" + consumer.position() + " producer-position=" +
                (consumer.position() + consumer.lag()) + " aeron-session=" + publication.sessionId() + " channel=" +
                publication.channel());
            forward();
            drain(events);
        }
        finally
        {
            CloseHelper.quietCloseAll(consumer, client, driver);
        }
    }

    private void forward()
    {
        final long idleNanos = null == options.idleExit() ? Long.MAX_VALUE : options.idleExit().toNanos();
        long lastMessage = System.nanoTime();
        long lastLook = 0;
        identity.putLong(0, queue.creationId());
        long identityDue = lastMessage; // first on the publication, so first on an inbound's image
        while (!stopping)
        {
            if (System.nanoTime() - identityDue >= 0)
            {
                if (offerIdentity())
                {
                    identityDue = System.nanoTime() + IDENTITY_INTERVAL_NS;
                }
                else
                {
                    // Refused (not connected, back-pressured): read nothing before the queue is named.
                    idle.idle(client.invoke());
                    final long now = System.nanoTime();
                    if (now - lastLook >= 10_000_000L)
                    {
                        lastLook = now;
                        updateCounters(); // what waits in the queue meanwhile is lag, as the progress line says
                    }
                    if (now - lastMessage >= idleNanos)
                    {
                        return;
                    }
                    continue;
                }
            }
            final int polled;
            clockReadNs = System.nanoTime();
            messagesInPoll = 0;
            try
            {
                // The driver's duty cycle first: it sends what the last poll offered, and takes in status
                // messages and requests to send again. While it has work, the queue is only looked at; else
                // the thread sleeps on the queue until a message comes, for a millisecond at most, so that
                // the driver still runs that often.
                polled = client.invoke() > 0 ? consumer.poll(handler, POLL_LIMIT) :
                    consumer.poll(handler, POLL_LIMIT, DRIVER_INTERVAL_MICROS, TimeUnit.MICROSECONDS);
            }
            catch (final RuntimeException ex)
            {
                if (ex == STOPPED)
                {
                    return; // the held message is not committed: the next bridge sends it
                }
                throw ex;
            }
            final long now = System.nanoTime();
            if (polled > 0)
            {
                lastMessage = now;
            }
            if (now - lastLook >= 10_000_000L || 0 == polled)
            {
                lastLook = now;
                updateCounters();
            }
            if (0 == polled && now - lastMessage >= idleNanos)
            {
                return;
            }
        }
    }

    private void updateCounters()
    {
        counters.producerPosition.set(consumer.position() + consumer.lag());
        counters.unsent.set(unsent());
        counters.connected = publication.isConnected();
        if (!counters.connected)
        {
            nameFirst = true; // a receiver that went while nothing was offered: the next one must hear the name
        }
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        if (messagesInPoll++ % MESSAGES_PER_CLOCK_READ == 0)
        {
            final long now = System.nanoTime();
            if (now - clockReadNs > STALL_NS)
            {
                requireClientAfterStall();
            }
            clockReadNs = now;
        }
        final long end = consumer.position();
        if (end > SourcePosition.MAX_POSITION)
        {
            throw new MmqException("the queue's position " + end + " is past the largest the bridge carries (" +
                SourcePosition.MAX_POSITION + ")");
        }
        // The end of the message before, as read: the inbound bridge finds this message follows the last it
        // applied if and only if that one ended here.
        reservedValue = SourcePosition.pack(previousEnd, end, length, capacity);
        offerUntilTaken(buffer, offset, length);
        previousEnd = end;
        counters.forwarded.increment();
        counters.committedPosition.set(end);
        // Committed once the handler returns: the message is in the publication's log, Aeron delivers it.
        consumer.commit();
    }

    /**
     * The process stood still inside the poll (a long GC pause, SIGSTOP, a suspended VM). If it was longer than
     * Aeron's service interval, Aeron closes the client at its next duty cycle; until then the publication
     * still takes offers, which nobody would send: messages committed and lost. So the duty cycle runs first,
     * and a closed client stops the bridge with this message uncommitted. The clock is read only every
     * {@link #MESSAGES_PER_CLOCK_READ} messages (a read costs tens of nanoseconds), so up to that many (the one
     * being offered when the process stopped, and those after it until the next read) may still be offered
     * after a stall; the inbound bridge reports them in its gap.
     */
    private void requireClientAfterStall()
    {
        client.invoke();
        if (publication.isClosed())
        {
            throw new MmqException(client.closedMessage("the publication to " + target.endpoint()));
        }
    }

    /**
     * Offers the frame that names the source queue (its creation id), once.
     *
     * @return whether the publication took it.
     */
    private boolean offerIdentity()
    {
        reservedValue = SourcePosition.IDENTITY;
        final long result = publication.offer(identity, 0, SourcePosition.IDENTITY_LENGTH, reservedValues);
        requireOpen(result);
        final boolean notConnected = result == Publication.NOT_CONNECTED;
        if (notConnected && !identityNotConnected)
        {
            counters.notConnected.increment(); // once per stretch without a receiver, as for a message's offer
        }
        identityNotConnected = notConnected;
        counters.connected = !notConnected;
        if (result > 0)
        {
            nameFirst = false; // named: the next message need not be preceded by another identity frame
        }
        return result > 0;
    }

    private void requireOpen(final long offerResult)
    {
        if (offerResult == Publication.CLOSED)
        {
            throw new MmqException(client.closedMessage("the publication to " + target.endpoint()));
        }
        if (offerResult == Publication.MAX_POSITION_EXCEEDED)
        {
            throw new MmqException("the Aeron publication to " + target.endpoint() + " refused a message: " +
                "MAX_POSITION_EXCEEDED; start the bridge again");
        }
    }

    /**
     * Offers until the publication takes the message, with {@link #reservedValue} in its frames: the bridge
     * reads nothing more meanwhile, so back-pressure reaches the queue.
     *
     * @throws RuntimeException {@link #STOPPED} if asked to stop meanwhile.
     */
    private void offerUntilTaken(final DirectBuffer buffer, final int offset, final int length)
    {
        idle.reset();
        boolean backPressured = false;
        boolean notConnected = false;
        long result;
        while ((result = offerNamedFirst(buffer, offset, length)) < 0)
        {
            requireOpen(result);
            if (result == Publication.BACK_PRESSURED && !backPressured)
            {
                backPressured = true;
                counters.backPressured.increment();
            }
            else if (result == Publication.NOT_CONNECTED)
            {
                nameFirst = true; // every time: the receiver may go again while this message waits
                if (!notConnected)
                {
                    notConnected = true;
                    counters.notConnected.increment();
                    counters.connected = false;
                }
            }
            if (stopping)
            {
                throw STOPPED;
            }
            counters.unsent.set(unsent());
            idle.idle(client.invoke()); // the driver sends, and learns the far side's window, only when invoked
        }
        counters.connected = true;
    }

    /**
     * Offers the message, after the frame that names the source queue if the publication was not connected
     * since that was last offered. A receiver that joins after a stretch without one (an inbound bridge
     * started again) starts its image where the sender is, and drops what comes before the queue is named:
     * without this, the rest of the poll this message is in (up to {@link #POLL_LIMIT} messages) would come
     * first, and be lost. No allocation: the message's reserved value is kept in a local while the identity's
     * is offered.
     *
     * @return the publication's answer: to the identity frame if that was refused (the message was not offered),
     *         else to the message.
     */
    private long offerNamedFirst(final DirectBuffer buffer, final int offset, final int length)
    {
        if (nameFirst)
        {
            final long messageValue = reservedValue;
            reservedValue = SourcePosition.IDENTITY;
            final long named = publication.offer(identity, 0, SourcePosition.IDENTITY_LENGTH, reservedValues);
            reservedValue = messageValue;
            if (named < 0)
            {
                return named;
            }
            nameFirst = false;
        }
        return publication.offer(buffer, offset, length, reservedValues);
    }

    private long reservedValue(final DirectBuffer termBuffer, final int termOffset, final int frameLength)
    {
        return reservedValue;
    }

    /**
     * @return bytes offered to the publication that its driver has not sent yet: the publication's position less
     *         the sender's. What the far side has received is not known exactly here (its status messages report
     *         it only in steps of a quarter window), so this is what the bridge counts.
     */
    private long unsent()
    {
        return CountersReader.NULL_COUNTER_ID == senderPositionId ? 0 :
            Math.max(0, publication.position() - client.aeron().countersReader().getCounterValue(senderPositionId));
    }

    /**
     * A clean stop: waits until the driver has sent everything offered, then closes the publication and waits
     * while the driver lingers on it ({@link EmbeddedMediaDriver#UDP_LINGER_NS}), answering the receiver's
     * requests to send lost packets again, until it lets it go; each wait is bounded by the timeout.
     */
    private void drain(final Consumer<String> events)
    {
        final long deadline = System.nanoTime() + options.timeout().toNanos();
        long left;
        while ((left = unsent()) > 0)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                events.accept("notice stopped with " + left + " bytes offered and not sent within " +
                    seconds(options.timeout()) + " (the far side stalled or went away); it reports them as a gap");
                return;
            }
            invokeOrSleep(client);
        }
        counters.unsent.set(0);
        final CountersReader reader = client.aeron().countersReader();
        final long registrationId = reader.getCounterRegistrationId(senderPositionId);
        publication.close();
        while (CountersReader.NULL_COUNTER_ID != senderPositionId &&
            reader.getCounterState(senderPositionId) == CountersReader.RECORD_ALLOCATED &&
            reader.getCounterRegistrationId(senderPositionId) == registrationId)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                events.accept("notice the publication was still lingering after " + seconds(options.timeout()));
                return;
            }
            invokeOrSleep(client);
        }
    }

    /** Runs the client's invoked driver; a millisecond's sleep when it had nothing to do. */
    private static void invokeOrSleep(final AeronClient client)
    {
        if (0 == client.invoke())
        {
            sleepMillis(1);
        }
    }

    private void findSenderCounters()
    {
        final CountersReader reader = client.aeron().countersReader();
        final long registrationId = publication.registrationId();
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            // A stream position counter's key starts with the registration id of its publication.
            if (keyBuffer.getLong(0) == registrationId)
            {
                if (typeId == SenderPos.SENDER_POSITION_TYPE_ID)
                {
                    senderPositionId = counterId;
                }
            }
        });
    }

    private static void sleepMillis(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new MmqException("interrupted", ex);
        }
    }

    static String seconds(final Duration duration)
    {
        final long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
