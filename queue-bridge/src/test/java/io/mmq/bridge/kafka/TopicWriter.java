package io.mmq.bridge.kafka;

import java.util.List;
import java.util.Properties;
import java.util.Random;

import io.mmq.mmap.CheckedMessages;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills a topic as an upstream service would, with a transactional producer: checked messages 0 to
 * {@code count - 1} (record {@code n}'s value is {@link CheckedMessages} message {@code n}) in transactions
 * of random sizes, and, when asked, an aborted transaction of junk records (the same lengths, the bytes of
 * message 2^40 + n) between every few committed ones. A read_committed reader must see exactly the checked
 * messages, in order.
 */
final class TopicWriter
{
    private TopicWriter()
    {
    }

    static void createTopic(final String bootstrapServers, final String topic, final int partitions) throws Exception
    {
        try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", bootstrapServers)))
        {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short)1))).all().get();
        }
    }

    /**
     * @return the offset of the last committed record.
     */
    static long write(final String bootstrapServers, final String topic, final long seed, final int maxLength,
        final long count, final boolean withAborted)
    {
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrapServers);
        properties.put("transactional.id", "test-writer:" + topic);
        properties.put("linger.ms", "5");
        final CheckedMessages messages = new CheckedMessages(seed, maxLength);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[maxLength]);
        final Random random = new Random(seed);
        long lastOffset = -1;
        try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer()))
        {
            producer.initTransactions();
            long seq = 0;
            int transactions = 0;
            while (seq < count)
            {
                if (withAborted && transactions++ % 4 == 3)
                {
                    producer.beginTransaction();
                    final int junk = 1 + random.nextInt(20);
                    for (int i = 0; i < junk; i++)
                    {
                        producer.send(new ProducerRecord<>(topic, 0, null, value(messages, buffer, (1L << 40) + seq + i)));
                    }
                    producer.flush(); // in the log before the abort marker
                    producer.abortTransaction();
                }
                producer.beginTransaction();
                final long end = Math.min(count, seq + 1 + random.nextInt(500));
                java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> last = null;
                for (; seq < end; seq++)
                {
                    last = producer.send(new ProducerRecord<>(topic, 0, null, value(messages, buffer, seq)));
                }
                producer.commitTransaction();
                lastOffset = last.get().offset();
            }
        }
        catch (final Exception ex)
        {
            throw new AssertionError("writing the topic " + topic + " failed", ex);
        }
        return lastOffset;
    }

    private static byte[] value(final CheckedMessages messages, final UnsafeBuffer buffer, final long seq)
    {
        final int length = messages.write(buffer, 0, seq);
        final byte[] value = new byte[length];
        buffer.getBytes(0, value);
        return value;
    }
}
