package io.mmq.bridge.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.mmq.ConsumerOptions;
import io.mmq.StartPosition;

/**
 * How the outbound bridge runs: which queue it says it forwards (the identity carried in every record),
 * the named consumer it reads as, the topic rules and the transaction sizes. Immutable; the {@code with}
 * methods return a copy.
 */
public final class OutboundOptions
{
    /** Messages per Kafka transaction, at most. */
    public static final int DEFAULT_BATCH = 2000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_TRANSACTION_TIME = Duration.ofMillis(100);

    private final String queueId;
    private final String consumerName;
    private final StartPosition start;
    private final boolean createTopic;
    private final Duration timeout;
    private final int batch;
    private final Duration maxTransactionTime;
    private final Duration idleExit;
    private final Map<String, String> kafkaProperties;

    private OutboundOptions(final String queueId, final String consumerName, final StartPosition start,
        final boolean createTopic, final Duration timeout, final int batch, final Duration maxTransactionTime,
        final Duration idleExit, final Map<String, String> kafkaProperties)
    {
        this.queueId = queueId;
        this.consumerName = consumerName;
        this.start = start;
        this.createTopic = createTopic;
        this.timeout = timeout;
        this.batch = batch;
        this.maxTransactionTime = maxTransactionTime;
        this.idleExit = idleExit;
        this.kafkaProperties = kafkaProperties;
    }

    /**
     * @param queueId what identifies the source queue in the topic (every record carries it): by default
     *                the host name and the queue file's real path.
     */
    public static OutboundOptions forQueue(final String queueId)
    {
        Objects.requireNonNull(queueId, "queueId");
        if (queueId.isEmpty())
        {
            throw new IllegalArgumentException("a queue id must not be empty");
        }
        return new OutboundOptions(queueId, null, StartPosition.EARLIEST, true, DEFAULT_TIMEOUT, DEFAULT_BATCH,
            DEFAULT_MAX_TRANSACTION_TIME, null, Map.of());
    }

    /**
     * @return the identity of the queue file on this host: {@code HOST:REAL_PATH}. A label, not a proof: a
     *         file deleted and created again at the same path has the same one (the bridge notices only when
     *         the topic is ahead of the new queue's producer).
     */
    public static String defaultQueueId(final java.nio.file.Path file) throws java.io.IOException
    {
        return hostName() + ":" + file.toRealPath();
    }

    private static String hostName()
    {
        try
        {
            // The kernel's name for this host, without a DNS lookup.
            final String name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty())
            {
                return name;
            }
        }
        catch (final java.io.IOException | RuntimeException notLinux)
        {
            // Ask the JDK instead.
        }
        try
        {
            return java.net.InetAddress.getLocalHost().getHostName();
        }
        catch (final java.io.IOException ex)
        {
            return "localhost";
        }
    }

    /**
     * @return the name the bridge reads the queue as: its own, or {@code bridge:TOPIC}.
     */
    public static String defaultConsumerName(final String topic)
    {
        return "bridge:" + topic;
    }

    /** The named consumer to read as; by default {@code bridge:TOPIC}. */
    public OutboundOptions withConsumerName(final String name)
    {
        ConsumerOptions.checkName(name);
        return new OutboundOptions(queueId, name, start, createTopic, timeout, batch, maxTransactionTime, idleExit, kafkaProperties);
    }

    /** Where a new name starts (an existing one resumes at its own position): EARLIEST by default. */
    public OutboundOptions startingAt(final StartPosition start)
    {
        return new OutboundOptions(queueId, consumerName, Objects.requireNonNull(start, "start"), createTopic, timeout, batch,
            maxTransactionTime, idleExit, kafkaProperties);
    }

    /** Whether a missing topic is created (with one partition), or refused. Created by default. */
    public OutboundOptions withCreateTopic(final boolean createTopic)
    {
        return new OutboundOptions(queueId, consumerName, start, createTopic, timeout, batch, maxTransactionTime, idleExit, kafkaProperties);
    }

    /**
     * How long a Kafka call may wait for the broker before it counts as a failure: the start-up checks
     * fail with it, and at run time it ends a session, which the bridge then starts again.
     */
    public OutboundOptions withTimeout(final Duration timeout)
    {
        if (timeout.toMillis() < 100 || timeout.toMillis() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("the Kafka timeout must be from 0.1 s to 24 days: " + timeout);
        }
        return new OutboundOptions(queueId, consumerName, start, createTopic, timeout, batch, maxTransactionTime, idleExit, kafkaProperties);
    }

    /** Messages per transaction, at most (1 to 100,000). */
    public OutboundOptions withBatch(final int batch)
    {
        if (batch < 1 || batch > 100_000)
        {
            throw new IllegalArgumentException("a batch must be 1 to 100000 messages: " + batch);
        }
        return new OutboundOptions(queueId, consumerName, start, createTopic, timeout, batch, maxTransactionTime, idleExit, kafkaProperties);
    }

    /** How long a transaction may collect messages before it is committed. */
    public OutboundOptions withMaxTransactionTime(final Duration time)
    {
        if (time.isNegative() || time.toMillis() > 60_000)
        {
            throw new IllegalArgumentException("the transaction time must be from 0 to 60 s: " + time);
        }
        return new OutboundOptions(queueId, consumerName, start, createTopic, timeout, batch, time, idleExit, kafkaProperties);
    }

    /** Stop once nothing has arrived for this long and everything read is in Kafka; null: never. */
    public OutboundOptions withIdleExit(final Duration idleExit)
    {
        if (null != idleExit && idleExit.isNegative())
        {
            throw new IllegalArgumentException("the idle exit must not be negative: " + idleExit);
        }
        return new OutboundOptions(queueId, consumerName, start, createTopic, timeout, batch, maxTransactionTime, idleExit, kafkaProperties);
    }

    /**
     * Kafka client settings added to the bridge's own (security settings, say). The settings the exactly
     * once argument rests on cannot be changed: see {@link KafkaOutbound}.
     */
    public OutboundOptions withKafkaProperties(final Map<String, String> properties)
    {
        final Map<String, String> copy = new LinkedHashMap<>(properties);
        ClientSettings.checkOverrides(copy);
        return new OutboundOptions(queueId, consumerName, start, createTopic, timeout, batch, maxTransactionTime, idleExit,
            Map.copyOf(copy));
    }

    public String queueId()
    {
        return queueId;
    }

    /**
     * @return the consumer name set, or null for the default of the topic.
     */
    public String consumerName()
    {
        return consumerName;
    }

    public StartPosition start()
    {
        return start;
    }

    public boolean createTopic()
    {
        return createTopic;
    }

    public Duration timeout()
    {
        return timeout;
    }

    public int batch()
    {
        return batch;
    }

    public Duration maxTransactionTime()
    {
        return maxTransactionTime;
    }

    public Duration idleExit()
    {
        return idleExit;
    }

    public Map<String, String> kafkaProperties()
    {
        return kafkaProperties;
    }
}
