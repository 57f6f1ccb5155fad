package io.mmq.bridge.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The Kafka client settings the bridges share: the user's additions (security settings, say) under the
 * bridge's own, and the list of settings a user may not change because exactly once rests on them.
 */
final class ClientSettings
{
    /**
     * Settings the exactly-once arguments rest on (docs/bridge.md), in either direction: the transactional
     * producer's (outbound), the read_committed consumer's without a group (inbound), the serialisers.
     */
    private static final Set<String> FIXED = Set.of("bootstrap.servers", "transactional.id", "enable.idempotence", "acks",
        "max.in.flight.requests.per.connection", "isolation.level", "key.serializer", "value.serializer",
        "key.deserializer", "value.deserializer", "enable.auto.commit", "group.id", "auto.offset.reset");

    private ClientSettings()
    {
    }

    /**
     * @throws IllegalArgumentException naming the first setting the user may not change.
     */
    static void checkOverrides(final Map<String, String> properties)
    {
        for (final String key : properties.keySet())
        {
            if (FIXED.contains(key))
            {
                throw new IllegalArgumentException("the Kafka setting " + key + " is the bridge's own and cannot be changed");
            }
        }
    }

    /**
     * @return the user's settings with the servers of {@code uri}: what every client of a bridge starts from.
     */
    static Properties client(final KafkaUri uri, final Map<String, String> userProperties)
    {
        final Properties properties = new Properties();
        properties.putAll(userProperties);
        properties.put("bootstrap.servers", uri.bootstrapServers());
        return properties;
    }
}
