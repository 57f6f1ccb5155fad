package io.mmq.bridge.aeron;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.aeron.ControlledFragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.mmq.MessageQueue;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.bridge.RunnableBridge;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersReader;

/**
 * The inbound Aeron UDP bridge: an Aeron subscription on {@code aeron:udp?endpoint=HOST:PORT} (stream
 * {@link UdpOutbound#STREAM_ID}), from a media driver of its own, whose messages it publishes into a local
 * queue as that queue's producer.
 *
 * <ul>
 *   <li><b>Flow control is Aeron's.</b> Fragments are read with a controlled poll through a
 *       {@link ControlledFragmentAssembler} (a message longer than the MTU is put back together); when the
 *       queue is full the handler answers {@code ABORT}, the subscription's position stays where it is, the
 *       receiver's window closes and the sender is back-pressured: no buffer in the bridge grows.</li>
 *   <li><b>Order and gaps.</b> Each message carries its {@link SourcePosition}: where the message before it
 *       ended in the source. The bridge keeps the source position after the last message it applied; a
 *       message that carries it follows, and is applied; one that ends at or before it is a repeat, dropped
 *       and counted; one that carries a later position means messages are missing: the bridge prints
 *       {@code gap from=F to=T}, the source range {@code [F, T)} no message reached it for, counts it, and
 *       goes on with the message. It never skips one silently.</li>
 *   <li><b>Which source queue.</b> Each sender first names its source queue's creation id
 *       ({@link SourcePosition#IDENTITY}), which the bridge keeps as its checkpoint's source. A sender that
 *       names another queue than the last message applied came from starts a new stream: {@code source
 *       changed from=OLD to=NEW}, and its messages are applied from its first, never taken for repeats of
 *       the old queue's positions.</li>
 *   <li><b>Images in age order.</b> A new outbound bridge after a crash is a new publication, a new image
 *       here, while the dead one's image may still hold messages this bridge has not read. Images are polled
 *       oldest first, and a gap seen on a newer image waits (the newer image is not read on) until the older
 *       ones have delivered what they hold or timed out (Aeron's image liveness,
 *       {@link EmbeddedMediaDriver#UDP_PEER_TIMEOUT_NS}), so that a gap is reported only for what no image
 *       has.</li>
 *   <li><b>One thread.</b> The media driver is run by the bridge's own thread
 *       ({@link EmbeddedMediaDriver#launchForUdp(java.nio.file.Path, ThreadingMode) INVOKER}): each turn runs
 *       the driver's duty cycle (it reads the datagrams that came and answers the sender), then polls the
 *       images, then idles with Aeron's backoff when neither had work. Every Aeron call is made from this
 *       thread.</li>
 * </ul>
 *
 * <p>On the message path it allocates nothing and takes no lock (a gap's line is the exception).
 */
public final class UdpInbound implements RunnableBridge
{
    private static final int FRAGMENT_LIMIT = 64;

    /**
     * How long a message of a new source queue waits for older images to deliver the old one's messages and
     * time out: twice their peer timeout. Longer means two source queues are sending at once. Messages the
     * older images deliver meanwhile do not make it wait longer (a live sender delivers them for ever); time
     * while the queue is full does not count (no image can deliver then).
     */
    private static final long SOURCE_CHANGE_WAIT_NS = 2 * EmbeddedMediaDriver.UDP_PEER_TIMEOUT_NS;

    /**
     * How long a sender may send messages without naming its source queue: a bridge of this version names it
     * every {@link UdpOutbound#IDENTITY_INTERVAL_NS}; one that never does is older, and its positions cannot
     * be read safely.
     */
    private static final long UNNAMED_LIMIT_NS = EmbeddedMediaDriver.UDP_PEER_TIMEOUT_NS;

    private final UdpUri listen;
    private final UdpOptions options;
    private final EmbeddedMediaDriver driver;
    private final AeronClient client;
    private final Subscription subscription;
    private final Producer producer;
    /** Whether the queue keeps a checkpoint's source (format 7 on): then a restarted bridge knows it too. */
    private final boolean keepsSources;
    /** The source queue's creation id each sender named, by Aeron session id; absent: not named yet. */
    private final Long2LongHashMap senderSources = new Long2LongHashMap(Producer.NO_SOURCE);
    /** When each sender that has not named its source yet first had a message dropped for it. */
    private final Long2LongHashMap unnamedSince = new Long2LongHashMap(0);
    private final UdpInboundCounters counters = new UdpInboundCounters();
    private final AbortOnFailure guard = new AbortOnFailure(this::onMessage);
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(guard);
    private final java.util.function.Consumer<Image> imagePoller = this::pollImage;
    private final IdleStrategy idle = new BackoffIdleStrategy();
    private Consumer<String> events;
    private long lastApplied;
    /** The creation id of the source queue {@link #lastApplied} counts in, or {@code NO_SOURCE} if unknown. */
    private long appliedSource;
    /** How long a message of a new source queue has waited for older images, time while the queue was full left out. */
    private long sourceChangeWaitedNs;
    /** When it last waited, or 0: it was not waiting, or the queue was full since (that time does not count). */
    private long sourceChangeWaitTurn;
    /** Whether a message of a new source queue waited in this turn. */
    private boolean waitedForOlderImages;
    private int imageIndex;
    private int fragments;
    private boolean held;
    private boolean queueFull;
    private volatile boolean stopping;

    private UdpInbound(final UdpUri listen, final UdpOptions options, final EmbeddedMediaDriver driver,
        final AeronClient client, final Subscription subscription, final Producer producer, final boolean keepsSources)
    {
        this.listen = listen;
        this.options = options;
        this.driver = driver;
        this.client = client;
        this.subscription = subscription;
        this.producer = producer;
        this.keepsSources = keepsSources;
        this.lastApplied = Checkpoints.lastApplied(producer);
        this.appliedSource = Checkpoints.lastSource(producer);
        counters.lastApplied.set(lastApplied);
    }

    /**
     * Starts the bridge's media driver, subscribes (binding the endpoint's port) and takes the queue's
     * producer role.
     *
     * @throws AeronDirectoryInUseException if a live driver uses the options' directory.
     * @throws MmqException with one line for the user if the endpoint cannot be listened on.
     * @throws io.mmq.QueueBusyException if another producer holds the queue.
     */
    public static UdpInbound prepare(final MessageQueue queue, final UdpUri listen, final UdpOptions options)
    {
        final EmbeddedMediaDriver driver = EmbeddedMediaDriver.launchForUdp(options.aeronDirectory(), ThreadingMode.INVOKER);
        AeronClient client = null;
        // The image handlers run on the bridge's thread (the client is invoked by it), once it exists.
        final UdpInbound[] bridge = new UdpInbound[1];
        try
        {
            client = AeronClient.connect(driver);
            final Subscription subscription;
            try
            {
                subscription = client.aeron().addSubscription(listen.channel(""), UdpOutbound.STREAM_ID,
                    image -> { }, image ->
                    {
                        if (null != bridge[0])
                        {
                            bridge[0].senderGone(image);
                        }
                    });
            }
            catch (final AeronException ex)
            {
                throw new MmqException("cannot listen on " + listen.endpoint() + ": " + AeronClient.oneLine(ex), ex);
            }
            final Producer producer = queue.producer();
            // A queue with a creation id (format 7 on) also keeps a checkpoint's source.
            bridge[0] = new UdpInbound(listen, options, driver, client, subscription, producer,
                queue.creationId() != MessageQueue.NO_CREATION_ID);
            return bridge[0];
        }
        catch (final Throwable ex)
        {
            // The driver holds its directory and sockets: close it whatever went wrong.
            CloseHelper.quietCloseAll(client, driver);
            throw ex;
        }
    }

    /**
     * Gives back what {@link #prepare} took (the producer role, the client and the media driver, with its
     * directory and sockets) for a bridge that will not be run.
     */
    public void discard()
    {
        CloseHelper.quietCloseAll(producer, client, driver);
    }

    public UdpUri listen()
    {
        return listen;
    }

    public UdpInboundCounters inboundCounters()
    {
        return counters;
    }

    @Override
    public String counters()
    {
        return counters.line();
    }

    @Override
    public void stop()
    {
        stopping = true;
    }

    /**
     * Publishes what arrives until {@link #stop()} or the idle exit; then tells each sender that this receiver
     * is gone (an end-of-stream status message, so that it stops sending at once) and closes the producer, the
     * subscription, the client and the driver. A message is applied whole or not at all: what was received and
     * not polled at a stop, and what the sender sent before it heard, are reported as a gap by the next bridge.
     *
     * @param events {@code session ...} when it starts, {@code images count=N} when a sender connects or goes,
     *               {@code first from=F to=T ...} for the first message applied to a queue with no
     *               checkpoint (F, where the message before it ended in the source: 0 if it is the source's
     *               first), {@code gap from=F to=T ...} for each gap.
     * @throws MmqException if a message is longer than the queue takes, or the source positions go backwards
     *         within a message's range (not the stream the bridge was applying).
     */
    @Override
    public void run(final Consumer<String> events)
    {
        this.events = events;
        events.accept("session listen=" + listen.endpoint() + " source-position=" + lastApplied + " source=" +
            hex(appliedSource) + " queue-position=" + producer.position() +
            (keepsSources ? "" : " (the queue is older than format 7: a restarted bridge cannot tell a new source queue)"));
        try
        {
            final long idleNanos = null == options.idleExit() ? Long.MAX_VALUE : options.idleExit().toNanos();
            long lastMessage = System.nanoTime();
            int images = 0;
            while (!stopping)
            {
                // The driver's duty cycle: it reads the datagrams that came, asks again for what was lost, and
                // tells the sender how far it may go; then the images it filled are polled, on the same thread.
                final int driverWork = client.invoke();
                if (subscription.isClosed())
                {
                    // Aeron closes a client (and all it made) whose thread left it alone for its service
                    // interval (10 s): polling on would wait on nothing, forever.
                    throw new MmqException(client.closedMessage("the subscription on " + listen.endpoint()));
                }
                fragments = 0;
                held = false;
                imageIndex = 0;
                waitedForOlderImages = false;
                subscription.forEachImage(imagePoller);
                guard.rethrow(); // what stopped the poll at a message the bridge cannot apply
                if (!waitedForOlderImages)
                {
                    sourceChangeWaitedNs = 0;
                    sourceChangeWaitTurn = 0;
                }
                if (imageIndex != images)
                {
                    images = imageIndex;
                    counters.images = images;
                    events.accept("images count=" + images);
                }
                final long now = System.nanoTime();
                if (fragments > 0 || held)
                {
                    lastMessage = now; // a message held for a full queue is not idleness
                }
                else if (now - lastMessage >= idleNanos)
                {
                    break;
                }
                idle.idle(held ? 0 : fragments + driverWork);
            }
            tellSendersWeAreGone();
        }
        finally
        {
            CloseHelper.quietCloseAll(producer, client, driver);
        }
    }

    /**
     * A clean stop (SIGTERM, the idle exit) tells each sender at once that this receiver is gone, so that its
     * publication stops being connected now instead of after Aeron's peer timeout (5 s), in which it would go
     * on sending a receiver window (half a term) that nobody applies. Closing the subscription makes the driver
     * end its images, and each sends its sender a status message with Aeron's end-of-stream flag at the next
     * duty cycle: the sender drops this receiver at once ({@code NetworkPublication.onStatusMessage}). Nothing
     * goes out unless the driver runs after the close, which closing the client and the driver does not do:
     * so it runs here until the driver counts as many status messages sent as there were images, for a second
     * at most. Runs once, off the message path.
     */
    private void tellSendersWeAreGone()
    {
        final int images = subscription.imageCount();
        if (0 == images || subscription.isClosed())
        {
            return;
        }
        final CountersReader counters = client.aeron().countersReader();
        final int statusMessagesSent = SystemCounterDescriptor.STATUS_MESSAGES_SENT.id();
        subscription.close();
        // One duty cycle before counting: it runs the receiver before the conductor, so an ordinary status
        // message already due goes out in it (and would be counted as the goodbye), while the conductor ends
        // the images; every status message counted after it carries the end-of-stream flag.
        client.invoke();
        final long before = counters.getCounterValue(statusMessagesSent);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (counters.getCounterValue(statusMessagesSent) - before < images && System.nanoTime() - deadline < 0)
        {
            if (0 == client.invoke())
            {
                Thread.onSpinWait();
            }
        }
    }

    private void pollImage(final Image image)
    {
        // The first image of the subscription is its oldest: images are added at the end.
        imageIndex++;
        fragments += image.controlledPoll(assembler, FRAGMENT_LIMIT);
    }

    /**
     * Applies one message. What it throws stops the bridge at this message, which stays unread in its image
     * ({@link AbortOnFailure}), and comes out of {@link #run} once the poll has returned.
     */
    private Action onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final long value = header.reservedValue();
        final int session = header.sessionId();
        if (SourcePosition.isIdentity(value))
        {
            senderNamed(session, length == SourcePosition.IDENTITY_LENGTH ? buffer.getLong(offset) : Producer.NO_SOURCE);
            return Action.CONTINUE;
        }
        if (!senderSources.containsKey(session))
        {
            // Joined part way (this bridge restarted, the sender did not): its positions cannot be read before it
            // names its queue again, within a tenth of a second. What is dropped meanwhile shows as a gap.
            droppedUnnamed(session);
            return Action.CONTINUE;
        }
        final long previousEnd = SourcePosition.previousEnd(value);
        final long end = SourcePosition.end(value, length);
        final long source = senderSources.get(session);
        // A source queue created again (or another one) starts its positions anew: they say nothing about
        // the last applied position, which counted in the old one.
        final boolean newSource = lastApplied >= 0 && source != Producer.NO_SOURCE &&
            appliedSource != Producer.NO_SOURCE && source != appliedSource;
        if (newSource && imageIndex > 1)
        {
            waitForOlderImages(source);
            held = true; // older images first: they may still hold the old source's last messages
            return Action.ABORT;
        }
        long gapFrom = -1;
        long gapTo = -1;
        if (!newSource && lastApplied >= 0 && previousEnd != lastApplied)
        {
            if (end <= lastApplied)
            {
                counters.duplicates.increment();
                return Action.CONTINUE;
            }
            if (previousEnd < lastApplied)
            {
                throw new MmqException("a message from source position " + previousEnd + " to " + end + " overlaps the " +
                    "last one applied, which ended at " + lastApplied + ": the sender is not the stream this queue was " +
                    "fed from (another source queue?)");
            }
            if (imageIndex > 1)
            {
                // An older image may still hold the missing messages: read it first.
                held = true;
                return Action.ABORT;
            }
            gapFrom = lastApplied;
            gapTo = previousEnd;
        }
        if (length > producer.maxMessageLength())
        {
            throw new MmqException("a message of " + length + " bytes arrived, longer than the queue's largest (" +
                producer.maxMessageLength() + ")");
        }
        // A source file older than format 7 has no creation id: its messages keep the source they follow on from.
        final long knownSource = source != Producer.NO_SOURCE ? source : appliedSource;
        final long published = Checkpoints.publish(producer, buffer, offset, length, end,
            keepsSources ? knownSource : Producer.NO_SOURCE);
        if (published == Producer.CLOSED)
        {
            throw new MmqException("the queue's producer was closed while the bridge was publishing into it");
        }
        if (published < 0)
        {
            if (!queueFull)
            {
                queueFull = true;
                counters.backPressured.increment();
            }
            held = true; // the queue is full: Aeron keeps the message, and its flow control holds the sender
            sourceChangeWaitTurn = 0; // nor can an older image deliver what it holds: the wait pauses until the next turn
            return Action.ABORT;
        }
        queueFull = false;
        if (newSource)
        {
            counters.sourceChanges.increment();
            events.accept("source changed from=" + hex(appliedSource) + " to=" + hex(source) + " last-position=" +
                lastApplied + " aeron-session=" + header.sessionId() +
                " (the source queue was created again, or is another queue: its positions start anew)");
        }
        if (lastApplied < 0 || newSource)
        {
            // No checkpoint: what came before this message was never this queue's. Said once, so that a stream
            // joined part way is not taken for a whole one.
            events.accept("first from=" + previousEnd + " to=" + end + " aeron-session=" + header.sessionId());
        }
        if (gapFrom >= 0)
        {
            counters.gaps.increment();
            counters.missing.add(gapTo - gapFrom);
            events.accept("gap from=" + gapFrom + " to=" + gapTo + " bytes=" + (gapTo - gapFrom) + " aeron-session=" +
                header.sessionId());
        }
        lastApplied = end;
        appliedSource = knownSource;
        counters.lastApplied.set(end);
        counters.applied.increment();
        return Action.CONTINUE;
    }

    /**
     * A message of a new source queue waits while older images may still hold the old one's messages, which
     * end when their sender is gone (its image times out): but not for ever, since a sender that keeps
     * sending is a second source queue, and one inbound bridge takes one at a time. The time between two
     * turns that waited counts, unless the queue was full in between (then no image could deliver); the wait
     * ends, and starts from nothing next time, in a turn where no message waited.
     */
    private void waitForOlderImages(final long source)
    {
        waitedForOlderImages = true;
        final long now = System.nanoTime();
        if (0 != sourceChangeWaitTurn)
        {
            sourceChangeWaitedNs += now - sourceChangeWaitTurn;
        }
        sourceChangeWaitTurn = now | 1;
        if (sourceChangeWaitedNs > SOURCE_CHANGE_WAIT_NS)
        {
            throw new MmqException("two source queues are sending to " + listen.endpoint() + " at once (creation ids " +
                hex(appliedSource) + " and " + hex(source) + "): one inbound bridge takes one source queue");
        }
    }

    private void senderNamed(final int session, final long source)
    {
        if (!senderSources.containsKey(session) || senderSources.get(session) != source)
        {
            events.accept("sender aeron-session=" + session + " source=" + hex(source));
        }
        senderSources.put(session, source);
        unnamedSince.remove(session);
    }

    /**
     * A message of a sender that has not named its source queue is dropped, and counted; one that sends for
     * longer than {@link #UNNAMED_LIMIT_NS} without naming it is not a bridge of this version.
     */
    private void droppedUnnamed(final int session)
    {
        counters.unnamed.increment();
        final long now = System.nanoTime();
        final long since = unnamedSince.get(session);
        if (0 == since)
        {
            unnamedSince.put(session, now | 1);
        }
        else if (now - since > UNNAMED_LIMIT_NS)
        {
            throw new MmqException("the sender of Aeron session " + session + " has not named its source queue in " +
                UdpOutbound.seconds(java.time.Duration.ofNanos(UNNAMED_LIMIT_NS)) + " of messages: is its bridge an " +
                "older mmq? Run both bridges at the same version");
        }
    }

    /** Called on the bridge's thread when a sender's image is gone: what it named goes with it. */
    private void senderGone(final Image image)
    {
        senderSources.remove(image.sessionId());
        unnamedSince.remove(image.sessionId());
    }

    private static String hex(final long creationId)
    {
        return String.format("%016x", creationId);
    }
}
