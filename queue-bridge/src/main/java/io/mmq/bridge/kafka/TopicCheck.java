package io.mmq.bridge.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.mmq.MmqException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The start-up check both bridges make before they touch the queue: the broker answers within the
 * timeout, and the topic exists (or, outbound, is created) with exactly one partition, since Kafka keeps
 * order within a partition only. Every failure is an {@link MmqException} with a one-line message.
 */
final class TopicCheck
{
    /** How long to wait before asking again for a topic just created. */
    private static final long CREATED_TOPIC_RETRY_MILLIS = 50;

    private TopicCheck()
    {
    }

    /**
     * @param create        whether a missing topic is created with one partition (the outbound bridge may).
     * @param missingSuffix what follows "topic T does not exist at S" when it is refused.
     * @return the topic's id, which a topic deleted and created again under the same name does not share.
     */
    static Uuid requireOnePartition(final KafkaUri uri, final Properties client, final Duration timeout,
        final boolean create, final String missingSuffix)
    {
        final long millis = timeout.toMillis();
        final Properties properties = new Properties();
        properties.putAll(client);
        properties.put("client.id", "mmq-bridge-admin");
        properties.put("default.api.timeout.ms", String.valueOf(millis));
        properties.put("request.timeout.ms", String.valueOf(millis));
        final Admin admin;
        try
        {
            admin = Admin.create(properties);
        }
        catch (final KafkaException ex)
        {
            Throwable root = ex;
            while (null != root.getCause())
            {
                root = root.getCause();
            }
            throw new MmqException("cannot reach Kafka at " + uri.bootstrapServers() + ": " + KafkaErrors.oneLine(root), ex);
        }
        try
        {
            TopicDescription topic = describe(admin, uri, millis);
            if (null == topic)
            {
                if (!create)
                {
                    throw new MmqException("topic " + uri.topic() + " does not exist at " + uri.bootstrapServers() + missingSuffix);
                }
                final long deadline = System.nanoTime() + timeout.toNanos();
                try
                {
                    admin.createTopics(List.of(new NewTopic(uri.topic(), Optional.of(1), Optional.empty())))
                        .all().get(millis, TimeUnit.MILLISECONDS);
                }
                catch (final ExecutionException ex)
                {
                    if (!(ex.getCause() instanceof TopicExistsException)) // made by someone else meanwhile
                    {
                        throw ex;
                    }
                }
                // The broker answers the creation before every part of it knows the topic: a description asked
                // for at once can still say it does not exist. Ask again until it is there, within the timeout.
                while (null == (topic = describe(admin, uri,
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))))
                {
                    if (System.nanoTime() - deadline >= 0)
                    {
                        throw new MmqException("topic " + uri.topic() + " was created at " + uri.bootstrapServers() +
                            " but cannot be found within " + seconds(timeout));
                    }
                    Thread.sleep(CREATED_TOPIC_RETRY_MILLIS);
                }
            }
            if (topic.partitions().size() != 1)
            {
                throw new MmqException("topic " + uri.topic() + " has " + topic.partitions().size() + " partitions: " +
                    "the bridge keeps the queue's order only in a topic of one partition");
            }
            return topic.topicId();
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw unreachable(uri, timeout, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new MmqException("interrupted while checking topic " + uri.topic() + " at " + uri.bootstrapServers(), ex);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)
            {
                throw unreachable(uri, timeout, ex.getCause());
            }
            throw new MmqException("Kafka at " + uri.bootstrapServers() + " refused: " + KafkaErrors.oneLine(ex.getCause()),
                ex.getCause());
        }
        finally
        {
            admin.close(Duration.ZERO);
        }
    }

    private static MmqException unreachable(final KafkaUri uri, final Duration timeout, final Throwable cause)
    {
        return new MmqException("cannot reach Kafka at " + uri.bootstrapServers() + " within " + seconds(timeout) +
            " (is a broker there?)", cause);
    }

    private static String seconds(final Duration duration)
    {
        final long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static TopicDescription describe(final Admin admin, final KafkaUri uri, final long millis)
        throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException
    {
        try
        {
            return admin.describeTopics(List.of(uri.topic())).allTopicNames().get(millis, TimeUnit.MILLISECONDS)
                .get(uri.topic());
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof UnknownTopicOrPartitionException)
            {
                return null;
            }
            throw ex;
        }
    }
}
