package io.mmq.bridge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Kafka alone, receiving: a plain kafka-clients consumer of partition 0 of TOPIC from its beginning, with
 * {@code isolation.level=read_committed} and Kafka's other defaults, as the inbound bridge reads.
 * Arguments: BOOTSTRAP TOPIC COUNT WARMUP HGRM. Prints {@code JOINED}, then {@code RECEIVED ...}.
 */
public final class KafkaReceiver
{
    public static void main(final String[] args) throws Exception
    {
        final Receipts receipts = new Receipts(Long.parseLong(args[2]), Long.parseLong(args[3]));
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", args[0]);
        properties.put("isolation.level", "read_committed");
        properties.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            final TopicPartition partition = new TopicPartition(args[1], 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumer.position(partition);
            System.out.println("JOINED");
            final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
            while (!receipts.done())
            {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100)))
                {
                    view.wrap(record.value());
                    receipts.received(BenchMessage.sequence(view, 0), BenchMessage.sentAt(view, 0));
                }
            }
        }
        receipts.report(Path.of(args[4]));
    }
}
