package io.mmq.bridge.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records in a topic's formats by hand, with a transactional producer of its own, for tests of what
 * a starting bridge reads ({@link TopicTail}): format 3 (the position, the queue's identity and the format
 * header on each transaction's last record, no header on the others), format 2 (as 3, and the position on
 * every record), format 1 (older bridges: position and identity on every record), no headers at all (a
 * writer that is not a bridge), or {@link #POSITION_ONLY}.
 */
final class BridgeRecords implements AutoCloseable
{
    static final int NOT_A_BRIDGE = 0;
    /** The position on every record, the queue's identity on none: not a format any bridge writes. */
    static final int POSITION_ONLY = -1;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String bootstrapServers;
    private final String topic;
    private final String queueId;
    /** What the last records of formats 2 and 3 carry as {@link TopicTail#CREATION_HEADER}; null: no such header. */
    private byte[] creation;

    BridgeRecords(final String bootstrapServers, final String topic, final String queueId)
    {
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrapServers);
        properties.put("transactional.id", "test-records:" + topic);
        properties.put("linger.ms", "5");
        producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.queueId = queueId;
    }

    /** The last records of formats 2 and 3 carry {@code bytes} as the queue file's creation id from now on. */
    BridgeRecords withCreation(final byte[] bytes)
    {
        creation = bytes;
        return this;
    }

    /**
     * One transaction of {@code count} records of 16 bytes in {@code format}, the record {@code i} carrying
     * position {@code firstPosition + 64 * i} (format 3: only the last record has a header); with
     * {@code withFormat}, a format header of that text on the last record instead of its format's number.
     *
     * @return the offset of its last record.
     */
    long transaction(final int format, final long firstPosition, final int count, final boolean commit, final String withFormat)
    {
        try
        {
            producer.beginTransaction();
            Future<RecordMetadata> last = null;
            for (int i = 0; i < count; i++)
            {
                final boolean end = i == count - 1;
                final RecordHeaders headers = new RecordHeaders();
                if (NOT_A_BRIDGE != format && (3 != format || end)) // POSITION_ONLY too
                {
                    headers.add(TopicTail.POSITION_HEADER, TopicTail.headerValue(firstPosition + 64L * i));
                }
                if (1 == format || (format >= 2 && end))
                {
                    headers.add(TopicTail.QUEUE_HEADER, queueId.getBytes(StandardCharsets.UTF_8));
                }
                if (format >= 2 && end)
                {
                    headers.add(TopicTail.FORMAT_HEADER,
                        (null == withFormat ? String.valueOf(format) : withFormat).getBytes(StandardCharsets.UTF_8));
                    if (null != creation)
                    {
                        headers.add(TopicTail.CREATION_HEADER, creation);
                    }
                }
                last = producer.send(new ProducerRecord<>(topic, 0, null, null, new byte[16], headers));
            }
            if (commit)
            {
                producer.commitTransaction();
            }
            else
            {
                producer.flush(); // in the log before the abort marker
                producer.abortTransaction();
            }
            final long offset = last.get().offset();
            awaitStable(bootstrapServers, topic);
            return offset;
        }
        catch (final Exception ex)
        {
            throw new AssertionError("writing a transaction into " + topic + " failed", ex);
        }
    }

    long transaction(final int format, final long firstPosition, final int count, final boolean commit)
    {
        return transaction(format, firstPosition, count, commit, null);
    }

    /**
     * Waits until the last stable offset of partition 0 is the log's end: the last transaction's marker is
     * written (a commit returns before it is).
     */
    static void awaitStable(final String bootstrapServers, final String topic) throws InterruptedException
    {
        final TopicPartition partition = new TopicPartition(topic, 0);
        final Map<String, Object> settings = Map.of("bootstrap.servers", bootstrapServers,
            "key.deserializer", ByteArrayDeserializer.class.getName(),
            "value.deserializer", ByteArrayDeserializer.class.getName());
        final Map<String, Object> committed = new java.util.HashMap<>(settings);
        committed.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> all = new KafkaConsumer<>(settings);
             KafkaConsumer<byte[], byte[]> stable = new KafkaConsumer<>(committed))
        {
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (stable.endOffsets(List.of(partition)).get(partition) < all.endOffsets(List.of(partition)).get(partition))
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new AssertionError("the last transaction's marker did not reach " + topic + " within 30 s");
                }
                Thread.sleep(20);
            }
        }
    }

    @Override
    public void close()
    {
        producer.close();
    }
}
