package io.mmq.bridge.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.mmq.ConsumerOptions;
import io.mmq.MessageHandler;
import io.mmq.MessageQueue;
import io.mmq.MmqException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The outbound Kafka bridge: forwards every message of a queue into partition 0 of one Kafka topic,
 * exactly once and in order, across crashes of the bridge and restarts of the broker
 * ({@code docs/bridge.md} has the argument and the table of faults).
 *
 * <ul>
 *   <li>It reads the queue as a <b>named consumer with explicit commits</b>: the queue's producer is held
 *       back by what the bridge has committed, so while Kafka is slow or down, back-pressure reaches it.</li>
 *   <li>It writes with a <b>transactional producer</b> (idempotent, {@code acks=all}, at most 5 requests in
 *       flight) whose transactional id is the topic's ({@code mmq-bridge:TOPIC}): messages go in
 *       transactions of up to {@link OutboundOptions#batch()} messages; the last record of each transaction
 *       carries, in headers, the position just after its message, the queue's identity and the record format
 *       ({@link TopicTail}), so the message read last is held back and sent just before the commit. The other
 *       records carry the message alone.</li>
 *   <li>It commits its consumer position only after Kafka committed the transaction that holds the
 *       messages.</li>
 *   <li>Each session (the start, and every start again after a Kafka failure) first calls
 *       {@code initTransactions}, which fences every earlier producer of the topic's transactional id and
 *       completes or aborts its last transaction; then it reads the topic's last committed record and skips
 *       the queue's messages at or before the position that record carries.</li>
 * </ul>
 *
 * <p>Readers of the topic must use {@code isolation.level=read_committed} (Kafka's default is
 * read_uncommitted): records of aborted transactions stay in the log.
 */
public final class KafkaOutbound implements StoppableBridge
{
    private static final int POLL_LIMIT = 256;
    private static final long MAX_BACKOFF_MS = 5_000;

    /**
     * A seam for tests, which end the process at these points to prove what a crash there does; does
     * nothing otherwise.
     */
    interface CrashPoints
    {
        /** Every record of the transaction was sent; Kafka has not been asked to commit it. */
        default void beforeKafkaCommit(final org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer)
        {
        }

        /** Kafka committed the transaction; the queue position is not yet committed. */
        default void afterKafkaCommit()
        {
        }
    }

    static volatile CrashPoints crashPoints = new CrashPoints()
    {
    };

    private final KafkaUri target;
    private final OutboundOptions options;
    private final String consumerName;
    private final String transactionalId;
    private final byte[] queueIdBytes;
    private final OutboundCounters counters = new OutboundCounters();
    private final StopSignal stop = new StopSignal();

    private KafkaOutbound(final KafkaUri target, final OutboundOptions options, final String consumerName)
    {
        this.target = target;
        this.options = options;
        this.consumerName = consumerName;
        this.transactionalId = "mmq-bridge:" + target.topic();
        this.queueIdBytes = options.queueId().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks the target without touching the queue: the broker answers within the timeout, the topic exists
     * with one partition (or is created with one, if allowed), and its last committed record, if any, came
     * from this queue.
     *
     * @throws MmqException with a one-line message for each of those that fails.
     * @throws IllegalArgumentException if the consumer name (by default {@code bridge:TOPIC}) is too long.
     */
    public static KafkaOutbound prepare(final KafkaUri target, final OutboundOptions options)
    {
        final String name = null == options.consumerName() ?
            OutboundOptions.defaultConsumerName(target.topic()) : options.consumerName();
        try
        {
            ConsumerOptions.checkName(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("the bridge's consumer name is too long: " + ex.getMessage() +
                "; give it a shorter name", ex);
        }
        final KafkaOutbound bridge = new KafkaOutbound(target, options, name);
        TopicCheck.requireOnePartition(target, bridge.clientProperties(), options.timeout(), options.createTopic(),
            " and the bridge was told not to create it");
        final TopicTail tail;
        try
        {
            tail = TopicTail.read(bridge.clientProperties(), target.topic(), options.timeout());
        }
        catch (final KafkaException ex)
        {
            throw new MmqException("cannot read the end of topic " + target.topic() + " at " + target.bootstrapServers() +
                ": " + KafkaErrors.oneLine(ex), ex);
        }
        bridge.checkTail(tail, -1, MessageQueue.NO_CREATION_ID);
        return bridge;
    }

    /**
     * @return the name of the consumer the bridge reads the queue as.
     */
    public String consumerName()
    {
        return consumerName;
    }

    /**
     * @return the producer's transactional id: one per topic, so that two bridges into one topic fence each other.
     */
    public String transactionalId()
    {
        return transactionalId;
    }

    public KafkaUri target()
    {
        return target;
    }

    public OutboundOptions options()
    {
        return options;
    }

    public OutboundCounters counters()
    {
        return counters;
    }

    /**
     * Asks {@link #run} to commit what it has sent and return. Safe from any thread, and twice.
     */
    @Override
    public void stop()
    {
        stop.stop();
    }

    @Override
    public String counterLine()
    {
        return counters.line();
    }

    /** A commit in progress may need the Kafka timeout twice over (the commit, then the queue's). */
    @Override
    public Duration stopGrace()
    {
        return Duration.ofMillis(2 * options.timeout().toMillis() + 5_000);
    }

    /**
     * Forwards the queue until {@link #stop()}, or until it has been idle for the options' idle exit. A Kafka
     * failure ends the session: the bridge forgets what it read and did not commit, waits (100 ms, doubling
     * up to 5 s) and starts a new one, announcing it through {@code events}.
     *
     * @param events one line for each session started and each failure: {@code session ...},
     *               {@code restart ...}, {@code notice ...}.
     * @throws MmqException when the bridge cannot go on: the consumer name is held by a live process, the
     *         topic is fed by another queue, a message is too large for Kafka, access is refused, and so on.
     */
    public void run(final MessageQueue queue, final Consumer<String> events)
    {
        final ConsumerOptions consumerOptions = ConsumerOptions.named(consumerName).startingAt(options.start())
            .withCommit(ConsumerOptions.Commit.EXPLICIT);
        io.mmq.Consumer consumer = queue.consumer(consumerOptions);
        long backoff = 100;
        try
        {
            while (!stop.stopped())
            {
                counters.committedPosition = consumer.position();
                final Session session = new Session(queue, consumer, events);
                try
                {
                    session.forward();
                    return;
                }
                catch (final KafkaException ex)
                {
                    final Throwable fatal = KafkaErrors.fatalCause(ex);
                    if (null != fatal)
                    {
                        throw new MmqException("Kafka refused the bridge into " + target + ": " + KafkaErrors.oneLine(fatal), ex);
                    }
                    if (stop.stopped())
                    {
                        events.accept("notice stopped with a Kafka failure; what was read and not committed will be " +
                            "forwarded next time: " + KafkaErrors.oneLine(ex));
                        return;
                    }
                    if (session.committedSomething)
                    {
                        backoff = 100;
                    }
                    counters.restarts++;
                    events.accept("restart in=" + backoff + "ms after " + KafkaErrors.oneLine(ex));
                    consumer.close(); // forgets what was read and not committed
                    counters.inFlight = 0;
                    stop.pause(backoff);
                    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                    consumer = queue.consumer(consumerOptions);
                }
            }
        }
        finally
        {
            consumer.close();
        }
    }

    /** One producer's life: init, find where the topic ends, forward. */
    private final class Session
    {
        private final MessageQueue queue;
        private final io.mmq.Consumer consumer;
        private final Consumer<String> events;
        /** The queue's creation id as the {@link TopicTail#CREATION_HEADER} carries it, or null if it has none. */
        private final byte[] creationIdBytes;
        private KafkaProducer<byte[], byte[]> producer;
        private Metric retryMetric;
        private long retriesBefore;
        private long skipThrough = -1;
        private int inTransaction;
        private long transactionStart;
        /** The transaction's latest message, not sent yet: the next message or the commit sends it. */
        private byte[] heldValue;
        private long heldEnd;
        boolean committedSomething;

        Session(final MessageQueue queue, final io.mmq.Consumer consumer, final Consumer<String> events)
        {
            this.queue = queue;
            this.consumer = consumer;
            this.events = events;
            this.retriesBefore = counters.retries;
            this.creationIdBytes = MessageQueue.NO_CREATION_ID == queue.creationId() ? null :
                TopicTail.headerValue(queue.creationId());
        }

        void forward()
        {
            producer = new KafkaProducer<>(producerProperties(queue.options().maxMessageLength()),
                new ByteArraySerializer(), new ByteArraySerializer());
            boolean clean = false;
            try
            {
                retryMetric = metric(producer.metrics(), "record-retry-total");
                // Fences every earlier producer of this transactional id (a bridge killed, or our own last
                // session) and returns once its last transaction is committed or aborted, markers written.
                producer.initTransactions();
                final TopicTail tail = TopicTail.read(clientProperties(), target.topic(), options.timeout());
                final long producerPosition = consumer.position() + consumer.lag();
                final boolean recreated = checkTail(tail, producerPosition, queue.creationId());
                if (recreated)
                {
                    // The topic's position counted in the old file: skipping to it would skip the new one's messages.
                    events.accept("notice source changed from=" + String.format("%016x", tail.creationId()) + " to=" +
                        String.format("%016x", queue.creationId()) + " topic-position=" + tail.position() +
                        " (the queue file was created again: its positions start anew); going on from the committed " +
                        "position " + consumer.position());
                }
                skipThrough = null == tail || recreated ? -1 : tail.position();
                counters.topicPosition = skipThrough;
                counters.producerPosition = producerPosition;
                events.accept("session topic-position=" + skipThrough + " consumer-position=" + consumer.position() +
                    " producer-position=" + producerPosition + " last-offset=" + (null == tail ? -1 : tail.offset()));
                if (skipThrough >= 0 && skipThrough < consumer.position())
                {
                    events.accept("notice the topic ends before the bridge's committed position (" + skipThrough + " < " +
                        consumer.position() + "): records were removed from it (retention, or the topic was recreated); " +
                        "going on from the committed position");
                }
                loop();
                clean = true;
            }
            catch (final KafkaException ex)
            {
                if (inTransaction > 0 && (null != KafkaErrors.fatalCause(ex) || stop.stopped()))
                {
                    abortQuietly(); // this bridge will not start another session to end it
                }
                throw ex;
            }
            finally
            {
                // Cleanly: everything is committed, close waits for nothing. Otherwise drop whatever is in flight
                // (the next session's initTransactions fences it and aborts its transaction).
                producer.close(clean ? options.timeout() : Duration.ZERO);
            }
        }

        /**
         * The bridge is about to stop for good (no new session would cure the failure, or it was asked to stop):
         * its transaction's records are in the topic's log, open, and would keep every read_committed reader of
         * the topic from reading past them until the next bridge's initTransactions or the transaction timeout
         * (60 s). Abort it now. Nothing of it was committed in the queue, so nothing is lost; if the abort fails,
         * the transaction ends later, as it would have.
         */
        private void abortQuietly()
        {
            try
            {
                producer.abortTransaction();
            }
            catch (final RuntimeException ignored)
            {
                // A producer in a fatal state (fenced, refused) cannot abort: the broker times the transaction out.
            }
        }

        private void loop()
        {
            final MessageHandler handler = this::send;
            final long maxTransactionNanos = options.maxTransactionTime().toNanos();
            final long idleNanos = null == options.idleExit() ? Long.MAX_VALUE : options.idleExit().toNanos();
            long lastMessage = System.nanoTime();
            while (!stop.stopped())
            {
                final int limit = Math.min(POLL_LIMIT, options.batch() - inTransaction);
                final int polled = 0 == inTransaction ?
                    consumer.poll(handler, limit, 100, TimeUnit.MILLISECONDS) : consumer.poll(handler, limit);
                final long now = System.nanoTime();
                counters.producerPosition = consumer.position() + consumer.lag();
                if (polled > 0)
                {
                    lastMessage = now;
                }
                if (inTransaction > 0)
                {
                    if (inTransaction >= options.batch() || 0 == polled || now - transactionStart >= maxTransactionNanos)
                    {
                        commit();
                    }
                }
                else if (consumer.position() > counters.committedPosition)
                {
                    commitConsumer(); // only skipped messages: the topic has them already
                }
                else if (now - lastMessage >= idleNanos)
                {
                    events.accept("notice idle for " + options.idleExit().toMillis() + " ms: stopping");
                    return;
                }
            }
            if (inTransaction > 0)
            {
                commit();
            }
            else if (consumer.position() > counters.committedPosition)
            {
                commitConsumer();
            }
        }

        private void send(final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
            final long end = consumer.position(); // inside a handler: just after this message
            if (end <= skipThrough)
            {
                counters.skipped++;
                return;
            }
            if (0 == inTransaction)
            {
                producer.beginTransaction();
                transactionStart = System.nanoTime();
            }
            final byte[] value = new byte[length];
            buffer.getBytes(offset, value);
            if (null != heldValue)
            {
                producer.send(new ProducerRecord<>(target.topic(), 0, null, null, heldValue)); // the message alone
            }
            heldValue = value;
            heldEnd = end;
            inTransaction++;
            counters.inFlight = inTransaction;
        }

        /**
         * Only the transaction's last record has headers: its position, the queue's identity (about 40 bytes),
         * the creation id and the format, together about 100 bytes. Flat out the bridged path is CPU-bound, and
         * each header byte is paid by the broker and every reader: with the identity on every record it kept
         * 0.67 of Kafka's throughput alone; this format moved 132,239 messages a second where format 2 (the
         * position still on every record) moved 121,286, in one run each the same day (docs/bridge.md, "The
         * topic's records"). The last record, not the first: the topic's last committed record is the one a
         * bridge reads when it starts (TopicTail), and retention removes records from the log's start, so that
         * record is the last to go: while the topic keeps any record, it keeps where the last transaction ended
         * and which queue it came from. Older bridges read only that record too: a format-1 bridge resumes
         * after it, a format-2 bridge refuses format 3 by its number.
         */
        private ProducerRecord<byte[], byte[]> lastRecord(final byte[] value, final long end)
        {
            final RecordHeaders headers = new RecordHeaders();
            headers.add(TopicTail.POSITION_HEADER, TopicTail.headerValue(end));
            headers.add(TopicTail.QUEUE_HEADER, queueIdBytes);
            if (null != creationIdBytes)
            {
                headers.add(TopicTail.CREATION_HEADER, creationIdBytes);
            }
            headers.add(TopicTail.FORMAT_HEADER, TopicTail.FORMAT_BYTES);
            return new ProducerRecord<>(target.topic(), 0, null, null, value, headers);
        }

        private void commit()
        {
            producer.send(lastRecord(heldValue, heldEnd));
            heldValue = null;
            // Sends what is buffered, waits until every record is acknowledged (acks=all), then commits; it
            // throws if any send failed, and then nothing of the transaction becomes visible.
            crashPoints.beforeKafkaCommit(producer);
            producer.commitTransaction();
            crashPoints.afterKafkaCommit();
            // Only now may the queue's producer reuse these messages' bytes.
            commitConsumer();
            counters.forwarded += inTransaction;
            counters.transactions++;
            counters.inFlight = 0;
            inTransaction = 0;
            committedSomething = true;
            if (null != retryMetric)
            {
                counters.retries = retriesBefore + (long)((Number)retryMetric.metricValue()).doubleValue();
            }
        }

        private void commitConsumer()
        {
            consumer.commit();
            counters.committedPosition = consumer.position();
        }
    }

    private static Metric metric(final Map<MetricName, ? extends Metric> metrics, final String name)
    {
        for (final Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet())
        {
            if (entry.getKey().name().equals(name) && entry.getKey().group().equals("producer-metrics"))
            {
                return entry.getValue();
            }
        }
        return null;
    }

    /**
     * @param creationId the queue's creation id, or {@code NO_CREATION_ID} when not yet known (before a session).
     * @return whether the tail came from another file at the queue's path (the queue was created again): then
     *         its position says nothing about this queue.
     */
    private boolean checkTail(final TopicTail tail, final long producerPosition, final long creationId)
    {
        if (null == tail)
        {
            return false;
        }
        if (!tail.queueId().equals(options.queueId()))
        {
            throw new MmqException("topic " + target.topic() + " is fed by the bridge of another queue ('" + tail.queueId() +
                "', not '" + options.queueId() + "'): one topic, one source queue");
        }
        if (MessageQueue.NO_CREATION_ID != tail.creationId() && MessageQueue.NO_CREATION_ID != creationId &&
            tail.creationId() != creationId)
        {
            return true;
        }
        if (producerPosition >= 0 && tail.position() > producerPosition)
        {
            throw new MmqException("topic " + target.topic() + " ends at position " + tail.position() + " of queue '" +
                tail.queueId() + "', but that queue's producer is only at " + producerPosition + ": this is not the " +
                "queue file the topic was fed from (was it deleted and created again?)");
        }
        return false;
    }

    /** Settings every client of the bridge shares. */
    private Properties clientProperties()
    {
        return ClientSettings.client(target, options.kafkaProperties());
    }

    private Properties producerProperties(final int maxMessageLength)
    {
        final Properties properties = clientProperties();
        properties.putIfAbsent("client.id", "mmq-bridge");
        properties.put("transactional.id", transactionalId);
        properties.put("enable.idempotence", "true");
        properties.put("acks", "all");
        properties.put("max.in.flight.requests.per.connection", "5");
        properties.putIfAbsent("linger.ms", "5");
        properties.putIfAbsent("batch.size", String.valueOf(256 * 1024));
        properties.putIfAbsent("max.block.ms", String.valueOf(options.timeout().toMillis()));
        // A whole message of the queue must fit in a request; the broker's own limit still applies.
        final int maxRequest = Math.max(1 << 20, maxMessageLength + 64 * 1024);
        properties.putIfAbsent("max.request.size", String.valueOf(maxRequest));
        properties.putIfAbsent("buffer.memory", String.valueOf(Math.max(32L << 20, 2L * maxRequest)));
        return properties;
    }
}
