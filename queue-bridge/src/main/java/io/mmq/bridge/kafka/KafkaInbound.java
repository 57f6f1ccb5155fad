package io.mmq.bridge.kafka;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.mmq.MmqException;
import io.mmq.Producer;
import io.mmq.StartPosition;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The inbound Kafka bridge: copies partition 0 of a one-partition topic into a queue, exactly once and in
 * order, across crashes of the bridge and restarts of the broker ({@code docs/bridge.md} has the argument
 * and the table of faults).
 *
 * <ul>
 *   <li>It is <b>the queue's producer</b>: each record's value becomes one message, published with
 *       {@link Producer#attachCheckpoint} of the record's offset, so that the queue file records "copied
 *       through offset N" in the same store that publishes the message.</li>
 *   <li>It reads with a plain consumer, <b>{@code isolation.level=read_committed}</b>, assigned the
 *       partition by hand (no group, nothing committed to Kafka: the queue's checkpoint is the only record
 *       of progress), and seeks to the checkpoint plus one; with no checkpoint, to the partition's first
 *       or last offset ({@link InboundOptions#startingAt}). Records of aborted transactions never reach it,
 *       and the offsets of transaction markers are skipped by the consumer.</li>
 *   <li>When the queue is full it waits for the queue's consumers (a timed offer), and does not poll Kafka
 *       meanwhile: at most one fetched batch is held, and back-pressure reaches the reading of the
 *       topic.</li>
 *   <li>A record larger than the queue's largest message stops the bridge before it (nothing is
 *       skipped). A Kafka failure ends the session; the next one starts from the checkpoint again.</li>
 * </ul>
 */
public final class KafkaInbound implements StoppableBridge
{
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final long OFFER_WAIT_MS = 100;
    private static final byte[] EMPTY = new byte[0];

    /**
     * A seam for tests, which end the process at these points to prove what a crash there does; does
     * nothing otherwise.
     */
    interface CrashPoints
    {
        /** A record was fetched and its checkpoint attached; its message is not published. */
        default void beforePublish(final long offset)
        {
        }

        /** The record's message and its checkpoint are in the queue. */
        default void afterPublish(final long offset)
        {
        }
    }

    static volatile CrashPoints crashPoints = new CrashPoints()
    {
    };

    private final KafkaUri source;
    /** The topic's id as a checkpoint's source: which topic the queue's checkpoint counts offsets of. */
    private final long topicSource;
    private final InboundOptions options;
    private final TopicPartition partition;
    private final InboundCounters counters = new InboundCounters();
    private final StopSignal stop = new StopSignal();
    private final UnsafeBuffer message = new UnsafeBuffer(EMPTY);
    /** What each checkpoint is kept with: the topic's id, or NO_SOURCE for a queue older than format 7. */
    private long checkpointSource = Producer.NO_SOURCE;

    private KafkaInbound(final KafkaUri source, final long topicSource, final InboundOptions options)
    {
        this.source = source;
        this.topicSource = topicSource;
        this.options = options;
        this.partition = new TopicPartition(source.topic(), 0);
    }

    /**
     * Checks the source without touching the queue: the broker answers within the timeout and the topic
     * exists with exactly one partition (it is never created).
     *
     * @throws MmqException with a one-line message for each of those that fails.
     */
    public static KafkaInbound prepare(final KafkaUri source, final InboundOptions options)
    {
        final Uuid topicId = TopicCheck.requireOnePartition(source, ClientSettings.client(source, options.kafkaProperties()),
            options.timeout(), false, "");
        return new KafkaInbound(source, topicSource(topicId), options);
    }

    /**
     * @return the 64 bits of a topic id kept as the queue's checkpoint source: its two halves mixed, never
     *         {@link Producer#NO_SOURCE} for a real id; {@code NO_SOURCE} for none (a broker older than topic
     *         ids, 2.8, answers {@link Uuid#ZERO_UUID}), so that such a checkpoint is taken as any topic's, as
     *         before sources, and not refused once the broker is upgraded and the topic gets a real id.
     */
    static long topicSource(final Uuid topicId)
    {
        if (null == topicId || Uuid.ZERO_UUID.equals(topicId))
        {
            return Producer.NO_SOURCE;
        }
        final long mixed = topicId.getMostSignificantBits() ^ topicId.getLeastSignificantBits();
        return mixed == Producer.NO_SOURCE ? 1 : mixed;
    }

    /**
     * The check a caller makes when it opens the queue, before anything else: the bridge keeps its place in
     * the queue's checkpoint, which older queue files cannot keep. (The version numbers are the queue
     * implementation's, which this module does not depend on.)
     *
     * @throws MmqException naming the file and both versions if {@code formatVersion < checkpointsVersion}.
     */
    public static void requireCheckpoints(final String queueName, final int formatVersion, final int checkpointsVersion)
    {
        if (formatVersion < checkpointsVersion)
        {
            throw new MmqException(queueName + ": this queue file is format version " + formatVersion + ", and the inbound " +
                "bridge keeps its place in the queue's checkpoint, which needs version " + checkpointsVersion +
                "; create the queue anew");
        }
    }

    public KafkaUri source()
    {
        return source;
    }

    public InboundOptions options()
    {
        return options;
    }

    public InboundCounters counters()
    {
        return counters;
    }

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

    /**
     * A stop waits for at most one offer and one poll, each a fraction of a second; starting a session asks
     * for the partition's first and last offsets, each of which may take the timeout.
     */
    @Override
    public Duration stopGrace()
    {
        return Duration.ofMillis(2 * options.timeout().toMillis() + 5_000);
    }

    /**
     * Copies the topic into the queue until {@link #stop()}, or until no record has come for the options'
     * idle exit. A Kafka failure ends the session: the bridge waits (100 ms, doubling up to 5 s) and starts a
     * new one from the queue's checkpoint, announcing it through {@code events}.
     *
     * @param producer     the queue's producer, which nothing else uses while the bridge runs; the caller closes it.
     * @param keepsSources whether the queue keeps a checkpoint's source (format 7 on): then the topic's id is
     *                     kept with each checkpoint, and a checkpoint of another topic is refused.
     * @param events   one line for each session started and each failure: {@code session ...},
     *                 {@code restart ...}, {@code notice ...}.
     * @throws MmqException when the bridge cannot go on: a record too large for the queue, records removed
     *         from the topic before they were copied, a topic shorter than the checkpoint, access refused.
     */
    public void run(final Producer producer, final boolean keepsSources, final Consumer<String> events)
    {
        requireSameTopic(producer);
        this.checkpointSource = keepsSources ? topicSource : Producer.NO_SOURCE;
        counters.lastOffset = producer.checkpoint();
        long backoff = 100;
        while (!stop.stopped())
        {
            final long appliedBefore = counters.applied;
            try
            {
                session(producer, events);
                return;
            }
            catch (final OffsetOutOfRangeException ex)
            {
                throw new MmqException("topic " + source.topic() + " no longer has offset " + counters.nextOffset +
                    ", the next record to copy: records were removed from it (retention) before the bridge copied " +
                    "them; they are lost to this queue", ex);
            }
            catch (final KafkaException ex)
            {
                final Throwable fatal = KafkaErrors.fatalCause(ex);
                if (null != fatal)
                {
                    throw new MmqException("Kafka refused the bridge from " + source + ": " + KafkaErrors.oneLine(fatal), ex);
                }
                if (stop.stopped())
                {
                    return;
                }
                if (counters.applied > appliedBefore)
                {
                    backoff = 100;
                }
                counters.restarts++;
                events.accept("restart in=" + backoff + "ms after " + KafkaErrors.oneLine(ex));
                stop.pause(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /**
     * A checkpoint counts offsets of the topic it was kept with: one kept with another topic's id (this topic
     * was deleted and created again, or the queue was fed from another one) would resume at an offset that
     * means nothing here. A checkpoint kept without a source (an older bridge, a queue older than format 7)
     * is taken as this topic's, as before sources existed.
     */
    private void requireSameTopic(final Producer producer)
    {
        final long kept = producer.checkpointSource();
        if (Producer.NO_CHECKPOINT != producer.checkpoint() && Producer.NO_SOURCE != kept && kept != topicSource)
        {
            throw new MmqException("the queue's checkpoint (offset " + producer.checkpoint() + ") was kept with " +
                "another topic than " + source.topic() + " (source " + String.format("%016x", kept) + ", this topic's " +
                String.format("%016x", topicSource) + "): was the topic deleted and created again, or is the queue fed " +
                "from another one? Its offsets mean nothing here; copy it into a new queue");
        }
    }

    /** One Kafka consumer's life: find where to start from the queue's checkpoint, then copy. */
    private void session(final Producer producer, final Consumer<String> events)
    {
        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            consumer.assign(List.of(partition));
            final Duration timeout = options.timeout();
            final long begin = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
            // Under read_committed: the last stable offset, before any transaction still open.
            final long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            final long checkpoint = producer.checkpoint();
            final long next;
            if (Producer.NO_CHECKPOINT != checkpoint)
            {
                next = checkpoint + 1;
                // The checkpoint's record was read committed, so the stable end has passed it for good; a
                // partition that ends before it is not the one the queue was filled from.
                if (next > end)
                {
                    throw new MmqException("the queue's checkpoint says offset " + checkpoint + " of topic " + source.topic() +
                        " was copied, but the topic ends at offset " + end + ": this is not the topic the queue was filled " +
                        "from (was it deleted and created again?)");
                }
                if (next < begin)
                {
                    throw new MmqException("topic " + source.topic() + " now begins at offset " + begin + ", but the " +
                        "queue's checkpoint is offset " + checkpoint + ": offsets " + next + " to " + (begin - 1) +
                        " were removed (retention) before the bridge copied them; they are lost to this queue");
                }
            }
            else
            {
                next = StartPosition.LATEST == options.start() ? end : begin;
            }
            consumer.seek(partition, next);
            counters.nextOffset = next;
            counters.endOffset = end;
            events.accept("session checkpoint=" + checkpoint + " next-offset=" + next + " begin=" + begin + " end=" + end);
            copy(consumer, producer, events);
        }
    }

    private void copy(final KafkaConsumer<byte[], byte[]> consumer, final Producer producer, final Consumer<String> events)
    {
        final long idleNanos = null == options.idleExit() ? Long.MAX_VALUE : options.idleExit().toNanos();
        final Duration pollTimeout = Duration.ofMillis(100);
        long lastRecord = System.nanoTime();
        while (!stop.stopped())
        {
            final ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
            final OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent())
            {
                counters.endOffset = consumer.position(partition) + lag.getAsLong();
            }
            if (records.isEmpty())
            {
                // Every record fetched is published: the consumer's position (past any markers) is the next offset.
                counters.nextOffset = consumer.position(partition);
                if (System.nanoTime() - lastRecord >= idleNanos)
                {
                    events.accept("notice idle for " + options.idleExit().toMillis() + " ms: stopping");
                    return;
                }
                continue;
            }
            for (final ConsumerRecord<byte[], byte[]> record : records.records(partition))
            {
                if (!publish(producer, record))
                {
                    return; // asked to stop while the queue was full; the record is fetched again next time
                }
            }
            // After the batch is in: time held back by a full queue is not idle time.
            lastRecord = System.nanoTime();
            // Past the batch's last record and the transaction markers after it: the next offset to read.
            counters.nextOffset = consumer.position(partition);
        }
    }

    /**
     * Publishes the record's value with its offset as the queue's checkpoint, waiting while the queue is full.
     *
     * @return false if asked to stop before it could be published.
     */
    private boolean publish(final Producer producer, final ConsumerRecord<byte[], byte[]> record)
    {
        final long offset = record.offset();
        final byte[] value = null == record.value() ? EMPTY : record.value(); // a tombstone: an empty message
        if (value.length > producer.maxMessageLength())
        {
            throw new MmqException("the record at offset " + offset + " of topic " + source.topic() + " is " + value.length +
                " bytes, larger than the queue's largest message (" + producer.maxMessageLength() + " bytes): the bridge " +
                "stops before it; every record before it is in the queue");
        }
        message.wrap(value);
        producer.attachCheckpoint(offset, checkpointSource);
        crashPoints.beforePublish(offset);
        boolean waited = false;
        long result;
        while ((result = producer.offer(message, 0, value.length, OFFER_WAIT_MS, TimeUnit.MILLISECONDS)) == Producer.BACK_PRESSURED)
        {
            if (!waited)
            {
                counters.backPressured++;
                waited = true;
            }
            if (stop.stopped())
            {
                return false; // the attached checkpoint goes with the producer: it was never published
            }
        }
        if (Producer.CLOSED == result)
        {
            throw new MmqException("the queue was closed under the bridge");
        }
        crashPoints.afterPublish(offset);
        counters.applied++;
        counters.lastOffset = offset;
        counters.nextOffset = offset + 1;
        return true;
    }

    private Properties consumerProperties()
    {
        final Properties properties = ClientSettings.client(source, options.kafkaProperties());
        properties.putIfAbsent("client.id", "mmq-bridge-in");
        properties.putIfAbsent("max.poll.records", "500");
        properties.put("isolation.level", "read_committed");
        properties.put("enable.auto.commit", "false");
        // Every position is a seek of the bridge's own: one that falls outside the partition is an error
        // to report, never a silent jump to either end.
        properties.put("auto.offset.reset", "none");
        properties.put("allow.auto.create.topics", "false");
        properties.put("default.api.timeout.ms", String.valueOf(options.timeout().toMillis()));
        return properties;
    }
}
