package io.mmq.bridge.aeron;

import java.util.function.Consumer;

import io.aeron.ControlledFragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.mmq.MessageQueue;
import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.bridge.RunnableBridge;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

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

    private final UdpUri listen;
    private final UdpOptions options;
    private final EmbeddedMediaDriver driver;
    private final AeronClient client;
    private final Subscription subscription;
    private final Producer producer;
    private final UdpInboundCounters counters = new UdpInboundCounters();
    private final AbortOnFailure guard = new AbortOnFailure(this::onMessage);
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(guard);
    private final java.util.function.Consumer<Image> imagePoller = this::pollImage;
    private final IdleStrategy idle = new BackoffIdleStrategy();
    private Consumer<String> events;
    private long lastApplied;
    private int imageIndex;
    private int fragments;
    private boolean held;
    private boolean queueFull;
    private volatile boolean stopping;

    private UdpInbound(final UdpUri listen, final UdpOptions options, final EmbeddedMediaDriver driver,
        final AeronClient client, final Subscription subscription, final Producer producer)
    {
        this.listen = listen;
        this.options = options;
        this.driver = driver;
        this.client = client;
        this.subscription = subscription;
        this.producer = producer;
        this.lastApplied = Checkpoints.lastApplied(producer);
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
        try
        {
            client = AeronClient.connect(driver);
            final Subscription subscription;
            try
            {
                subscription = client.aeron().addSubscription(listen.channel(""), UdpOutbound.STREAM_ID);
            }
            catch (final AeronException ex)
            {
                throw new MmqException("cannot listen on " + listen.endpoint() + ": " + UdpOutbound.oneLine(ex), ex);
            }
            final Producer producer = queue.producer();
            return new UdpInbound(listen, options, driver, client, subscription, producer);
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
     * Publishes what arrives until {@link #stop()} or the idle exit; then closes the producer, the
     * subscription, the client and the driver. A message is applied whole or not at all: a stop between two
     * polls leaves what was not polled to the sender's next receiver (it is reported as a gap there if lost).
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
        events.accept("session listen=" + listen.endpoint() + " source-position=" + lastApplied + " queue-position=" +
            producer.position());
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
                    throw new MmqException("the Aeron client closed the subscription on " + listen.endpoint() +
                        " (was the bridge's thread held up for seconds?); start the bridge again");
                }
                fragments = 0;
                held = false;
                imageIndex = 0;
                subscription.forEachImage(imagePoller);
                guard.rethrow(); // what stopped the poll at a message the bridge cannot apply
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
                    return;
                }
                idle.idle(held ? 0 : fragments + driverWork);
            }
        }
        finally
        {
            CloseHelper.quietCloseAll(producer, client, driver);
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
        final long previousEnd = SourcePosition.previousEnd(value);
        final long end = SourcePosition.end(value, length);
        long gapFrom = -1;
        long gapTo = -1;
        if (lastApplied >= 0 && previousEnd != lastApplied)
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
        final long published = Checkpoints.publish(producer, buffer, offset, length, end);
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
            return Action.ABORT;
        }
        queueFull = false;
        if (lastApplied < 0)
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
        counters.lastApplied.set(end);
        counters.applied.increment();
        return Action.CONTINUE;
    }
}
