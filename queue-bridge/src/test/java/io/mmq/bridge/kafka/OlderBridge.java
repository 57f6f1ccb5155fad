package io.mmq.bridge.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.mmq.ConsumerOptions;
import io.mmq.StartPosition;
import io.mmq.mmap.MappedQueue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What an outbound bridge of an older record format wrote, to leave a topic as such a bridge leaves it: the
 * same named consumer ({@code bridge:TOPIC}, explicit commits), the same transactional id
 * ({@code mmq-bridge:TOPIC}), each record with the position after its message; in format 1 each record with
 * the queue's identity too and no format header, in format 2 the identity, the creation id and the format
 * header ({@code 2}) on each transaction's last record only.
 */
final class OlderBridge
{
    private OlderBridge()
    {
    }

    /**
     * Forwards the queue's first {@code count} messages in transactions of {@code perTransaction}, committing
     * the named consumer after each Kafka commit only while at most {@code committedMessages} are forwarded:
     * fewer than {@code count} is a bridge killed between Kafka's commit and the queue's.
     */
    static void forward(final Path file, final String bootstrapServers, final String topic, final int count,
        final int perTransaction, final int committedMessages, final int format) throws Exception
    {
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrapServers);
        properties.put("transactional.id", "mmq-bridge:" + topic);
        properties.put("enable.idempotence", "true");
        properties.put("acks", "all");
        final byte[] queueId = OutboundOptions.defaultQueueId(file).getBytes(StandardCharsets.UTF_8);
        try (MappedQueue queue = MappedQueue.open(file);
             io.mmq.Consumer consumer = queue.consumer(ConsumerOptions.named("bridge:" + topic)
                 .startingAt(StartPosition.EARLIEST).withCommit(ConsumerOptions.Commit.EXPLICIT));
             KafkaProducer<byte[], byte[]> producer =
                 new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer()))
        {
            producer.initTransactions();
            int forwarded = 0;
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (forwarded < count)
            {
                final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                while (records.size() < Math.min(perTransaction, count - forwarded))
                {
                    if (System.nanoTime() - deadline > 0)
                    {
                        throw new AssertionError("the queue did not hold " + count + " messages within 60 s");
                    }
                    consumer.poll((buffer, offset, length) ->
                    {
                        final byte[] value = new byte[length];
                        buffer.getBytes(offset, value);
                        final RecordHeaders headers = new RecordHeaders();
                        headers.add(TopicTail.POSITION_HEADER, TopicTail.headerValue(consumer.position()));
                        if (1 == format)
                        {
                            headers.add(TopicTail.QUEUE_HEADER, queueId);
                        }
                        records.add(new ProducerRecord<>(topic, 0, null, null, value, headers));
                    }, 1);
                }
                if (2 == format)
                {
                    records.get(records.size() - 1).headers()
                        .add(TopicTail.QUEUE_HEADER, queueId)
                        .add(TopicTail.CREATION_HEADER, TopicTail.headerValue(queue.creationId()))
                        .add(TopicTail.FORMAT_HEADER, "2".getBytes(StandardCharsets.UTF_8));
                }
                producer.beginTransaction();
                records.forEach(producer::send);
                producer.commitTransaction();
                forwarded += records.size();
                if (forwarded <= committedMessages)
                {
                    consumer.commit();
                }
            }
        }
    }
}
