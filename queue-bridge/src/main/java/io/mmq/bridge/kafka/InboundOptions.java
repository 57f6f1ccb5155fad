package io.mmq.bridge.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.mmq.StartPosition;

/**
 * How the inbound bridge runs: where it starts in a topic when the queue has no checkpoint yet, how long a
 * Kafka call may wait, when it stops by itself, and the user's Kafka client settings. Immutable; the
 * {@code with} methods return a copy.
 */
public final class InboundOptions
{
    public static final Duration DEFAULT_TIMEOUT = OutboundOptions.DEFAULT_TIMEOUT;

    private final StartPosition start;
    private final Duration timeout;
    private final Duration idleExit;
    private final Map<String, String> kafkaProperties;

    private InboundOptions(final StartPosition start, final Duration timeout, final Duration idleExit,
        final Map<String, String> kafkaProperties)
    {
        this.start = start;
        this.timeout = timeout;
        this.idleExit = idleExit;
        this.kafkaProperties = kafkaProperties;
    }

    /** EARLIEST, a 10 s timeout, no idle exit, no extra Kafka settings. */
    public static InboundOptions defaults()
    {
        return new InboundOptions(StartPosition.EARLIEST, DEFAULT_TIMEOUT, null, Map.of());
    }

    /**
     * Where in the topic to begin when the queue carries no checkpoint: EARLIEST (the partition's first
     * record still kept) or LATEST (its end: only records committed from now on). Once a record has been
     * copied, the queue's checkpoint decides and this is not looked at.
     */
    public InboundOptions startingAt(final StartPosition start)
    {
        return new InboundOptions(Objects.requireNonNull(start, "start"), timeout, idleExit, kafkaProperties);
    }

    /**
     * How long a Kafka call may wait for the broker: the start-up checks fail after it; at run time it ends
     * a session, which the bridge then starts again.
     */
    public InboundOptions withTimeout(final Duration timeout)
    {
        if (timeout.toMillis() < 100 || timeout.toMillis() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("the Kafka timeout must be from 0.1 s to 24 days: " + timeout);
        }
        return new InboundOptions(start, timeout, idleExit, kafkaProperties);
    }

    /** Stop once no record has arrived for this long; null: never. */
    public InboundOptions withIdleExit(final Duration idleExit)
    {
        if (null != idleExit && idleExit.isNegative())
        {
            throw new IllegalArgumentException("the idle exit must not be negative: " + idleExit);
        }
        return new InboundOptions(start, timeout, idleExit, kafkaProperties);
    }

    /**
     * Kafka client settings added to the bridge's own (security settings, say). The ones the exactly-once
     * argument rests on (isolation.level, auto.offset.reset, group.id, ...) cannot be changed.
     */
    public InboundOptions withKafkaProperties(final Map<String, String> properties)
    {
        final Map<String, String> copy = new LinkedHashMap<>(properties);
        ClientSettings.checkOverrides(copy);
        return new InboundOptions(start, timeout, idleExit, Map.copyOf(copy));
    }

    public StartPosition start()
    {
        return start;
    }

    public Duration timeout()
    {
        return timeout;
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
