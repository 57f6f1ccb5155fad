package io.mmq.bridge.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import io.mmq.bridge.HostPort;

/**
 * A Kafka target: {@code kafka://HOST:PORT[,HOST:PORT...]/TOPIC}. The hosts are the bootstrap servers,
 * the topic is the one partitioned-once topic the bridge writes (or, later, reads).
 */
public final class KafkaUri
{
    /** Kafka's own rule for topic names. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final String SCHEME = "kafka://";

    private final String bootstrapServers;
    private final String topic;

    private KafkaUri(final String bootstrapServers, final String topic)
    {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /**
     * @return whether {@code text} is meant as a Kafka URI (it has the scheme), right or wrong.
     */
    public static boolean isKafka(final String text)
    {
        return text.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * @throws IllegalArgumentException naming what is wrong, with the expected shape.
     */
    public static KafkaUri parse(final String text)
    {
        Objects.requireNonNull(text, "uri");
        if (!isKafka(text))
        {
            throw bad(text, "it does not start with " + SCHEME);
        }
        final String rest = text.substring(SCHEME.length());
        final int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1)
        {
            throw bad(text, "no topic");
        }
        final String hosts = rest.substring(0, slash);
        final String topic = rest.substring(slash + 1);
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals(".."))
        {
            throw bad(text, "a topic is 1 to 249 of a-z A-Z 0-9 . _ - (and not . or ..): '" + topic + "'");
        }
        final List<String> servers = new ArrayList<>();
        for (final String server : hosts.split(",", -1))
        {
            servers.add(checkServer(text, server));
        }
        return new KafkaUri(String.join(",", servers), topic);
    }

    private static String checkServer(final String text, final String server)
    {
        final HostPort hostPort = HostPort.parse(server, "each server is HOST:PORT", why -> bad(text, why));
        final String host = hostPort.host();
        final int port = hostPort.port();
        if (host.contains("/") || host.contains("?") || host.contains("@"))
        {
            throw bad(text, "not a host: '" + host + "'");
        }
        return host + ":" + port;
    }

    private static IllegalArgumentException bad(final String text, final String why)
    {
        return new IllegalArgumentException("not a Kafka URI (kafka://HOST:PORT/TOPIC): " + text + ": " + why);
    }

    /**
     * @return the servers, as Kafka's {@code bootstrap.servers} takes them.
     */
    public String bootstrapServers()
    {
        return bootstrapServers;
    }

    public String topic()
    {
        return topic;
    }

    @Override
    public String toString()
    {
        return SCHEME + bootstrapServers + "/" + topic;
    }
}
