package io.mmq.bridge.bench;

import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka alone, sending: a plain kafka-clients producer with the outbound bridge's settings (idempotent,
 * transactional, {@code acks=all}, at most 5 requests in flight) and its transactions (up to 2,000
 * messages or 100 ms, committed early once nothing more is due), writing partition 0 of TOPIC.
 * Arguments: BOOTSTRAP TOPIC count size rate. Waits for {@code GO} on standard input; prints
 * {@code SENT count=N late-p50=N late-p99=N} (see {@link Pacer#lateness()}).
 */
public final class KafkaSender
{
    private static final int BATCH = 2_000;
    private static final long MAX_TRANSACTION_NANOS = 100_000_000L;

    public static void main(final String[] args) throws Exception
    {
        final String topic = args[1];
        final long count = Long.parseLong(args[2]);
        final int size = Integer.parseInt(args[3]);
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", args[0]);
        properties.put("transactional.id", "mmq-bench-raw:" + topic);
        properties.put("enable.idempotence", "true");
        properties.put("acks", "all");
        properties.put("max.in.flight.requests.per.connection", "5");
        // The rest of the outbound bridge's producer settings (KafkaOutbound.producerProperties), for a queue
        // whose messages fit a 1 MiB request.
        properties.put("linger.ms", "5");
        properties.put("batch.size", String.valueOf(256 * 1024));
        properties.put("max.request.size", String.valueOf(1 << 20));
        properties.put("buffer.memory", String.valueOf(32L << 20));
        try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer()))
        {
            producer.initTransactions();
            System.out.println("READY");
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            final Pacer pacer = new Pacer(Long.parseLong(args[4]));
            long sequence = 0;
            while (sequence < count)
            {
                long stamp = pacer.awaitDue(sequence);
                producer.beginTransaction();
                final long began = System.nanoTime();
                int inTransaction = 0;
                do
                {
                    // A new array per record: the producer keeps it until the batch is sent.
                    final byte[] value = new byte[size];
                    final org.agrona.concurrent.UnsafeBuffer message = new org.agrona.concurrent.UnsafeBuffer(value);
                    BenchMessage.write(message, sequence, stamp);
                    sequence++;
                    stamp = pacer.stamp(sequence); // the next one is sent only if already due
                    producer.send(new ProducerRecord<>(topic, 0, null, value));
                    inTransaction++;
                }
                while (sequence < count && inTransaction < BATCH && pacer.due(sequence) &&
                    System.nanoTime() - began < MAX_TRANSACTION_NANOS);
                producer.commitTransaction();
            }
            System.out.println("SENT count=" + count + " " + pacer.lateness());
        }
    }
}
