package io.mmq.bridge.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.mmq.MmqException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The last committed record of the bridge's topic partition, and the source position and queue it
 * carries: where a (re)starting outbound bridge must go on from.
 *
 * <p>Read with {@code isolation.level=read_committed}, so records of aborted transactions do not count.
 * Every transaction ends with a control record (its commit or abort marker), which a consumer never
 * returns, so the last offset of the partition is not a data record: the reader looks at the last 2
 * offsets, then the last 32, 512 and so on, until it finds a committed data record or has read the whole
 * partition.
 */
public final class TopicTail
{
    /** Header carrying the queue position just after the message (what a commit through it stores), 8 bytes big-endian. */
    public static final String POSITION_HEADER = "mmq.position";
    /** Header carrying the source queue's identity, UTF-8. */
    public static final String QUEUE_HEADER = "mmq.queue";

    private final long offset;
    private final long position;
    private final String queueId;

    private TopicTail(final long offset, final long position, final String queueId)
    {
        this.offset = offset;
        this.position = position;
        this.queueId = queueId;
    }

    /** @return the record's offset in the partition. */
    public long offset()
    {
        return offset;
    }

    /** @return the queue position just after the message the record carries. */
    public long position()
    {
        return position;
    }

    /** @return the identity of the queue the record came from. */
    public String queueId()
    {
        return queueId;
    }

    /**
     * @return the last committed record of partition 0 of {@code topic}, or null if it has none.
     * @throws MmqException if that record was not written by an mmq bridge.
     * @throws org.apache.kafka.common.KafkaException (a TimeoutException, say) if Kafka does not answer.
     */
    public static TopicTail read(final Properties clientProperties, final String topic, final Duration timeout)
    {
        final Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put("isolation.level", "read_committed");
        properties.put("enable.auto.commit", "false");
        properties.put("client.id", "mmq-bridge-tail");
        properties.put("default.api.timeout.ms", String.valueOf(timeout.toMillis()));
        properties.put("max.poll.records", "1000");
        properties.put("allow.auto.create.topics", "false");
        final TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            consumer.assign(List.of(partition));
            final long begin = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
            // Under read_committed: the last stable offset, before any transaction still open.
            final long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long window = 2;
            while (end > begin)
            {
                final long from = Math.max(begin, end - window);
                consumer.seek(partition, from);
                ConsumerRecord<byte[], byte[]> last = null;
                final long deadline = System.nanoTime() + timeout.toNanos();
                while (consumer.position(partition, timeout) < end)
                {
                    for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100)).records(partition))
                    {
                        if (record.offset() < end)
                        {
                            last = record;
                        }
                    }
                    if (System.nanoTime() - deadline > 0)
                    {
                        throw new org.apache.kafka.common.errors.TimeoutException("reading the end of " + partition +
                            " took more than " + timeout.toMillis() + " ms");
                    }
                }
                if (null != last)
                {
                    return of(topic, last);
                }
                if (from == begin)
                {
                    return null;
                }
                window *= 16;
            }
            return null;
        }
    }

    private static TopicTail of(final String topic, final ConsumerRecord<byte[], byte[]> record)
    {
        final Header position = record.headers().lastHeader(POSITION_HEADER);
        final Header queue = record.headers().lastHeader(QUEUE_HEADER);
        if (null == position || null == queue || position.value().length != Long.BYTES)
        {
            throw new MmqException("the last record of topic " + topic + " (offset " + record.offset() + ") was not " +
                "written by an mmq bridge (no " + POSITION_HEADER + " and " + QUEUE_HEADER + " headers): the bridge " +
                "writes only into a topic it alone writes");
        }
        return new TopicTail(record.offset(), ByteBuffer.wrap(position.value()).getLong(),
            new String(queue.value(), StandardCharsets.UTF_8));
    }

    static byte[] positionBytes(final long position)
    {
        return ByteBuffer.allocate(Long.BYTES).putLong(position).array();
    }

    @Override
    public String toString()
    {
        return "offset " + offset + ", position " + position + " of " + queueId;
    }
}
