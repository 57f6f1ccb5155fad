package io.mmq.bridge.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.mmq.mmap.CheckedMessages;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A plain Kafka consumer of the bridge's topic, as a downstream service would read it
 * ({@code read_committed}), checking every record as it comes: record {@code n} must be checked message
 * {@code n} of the producer (length and every byte), its position header, where it has one, must be past
 * the last one's, and its queue header, where it has one, the expected queue. So a record lost, repeated
 * or out of order fails at once, naming it.
 *
 * <p>Every record format: the last record of every committed transaction must carry the position and the
 * queue header (and, if it says a format, format 3, or 2 from an older bridge), since that is the record
 * every bridge, older ones too, reads when it starts. The topic's only writer is one producer at a time, so a transaction's records
 * have consecutive offsets and its commit marker takes the next one: a record whose successor is not at
 * the next offset ends a transaction. {@link #identifiedInside()} and {@link #positionedInside()} count
 * queue and position headers on other records (format 1 has both, format 2 positions, format 3 neither).
 */
final class TopicReader implements AutoCloseable
{
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final CheckedMessages messages;
    private final String queueId;
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final long firstSeq;
    private long received;
    private long lastPosition = -1;
    private ConsumerRecord<byte[], byte[]> previous;
    private long transactionEnds;
    private long identifiedInside;
    private long positionedInside;

    TopicReader(final String bootstrapServers, final String topic, final long seed, final int maxLength, final String queueId)
    {
        this(bootstrapServers, topic, seed, maxLength, queueId, 0);
    }

    /** A reader of a topic whose first record (retention removed those before it) is message {@code firstSeq}. */
    TopicReader(final String bootstrapServers, final String topic, final long seed, final int maxLength, final String queueId,
        final long firstSeq)
    {
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrapServers);
        properties.put("isolation.level", "read_committed");
        properties.put("enable.auto.commit", "false");
        properties.put("max.poll.records", "5000");
        properties.put("allow.auto.create.topics", "false");
        consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        messages = new CheckedMessages(seed, maxLength);
        this.queueId = queueId;
        this.firstSeq = firstSeq;
    }

    long received()
    {
        return received;
    }

    /**
     * Reads until {@code count} records are checked; fails if none comes for {@code quietSeconds}.
     */
    void readUntil(final long count, final long quietSeconds)
    {
        long lastProgress = System.nanoTime();
        while (received < count)
        {
            if (pollOnce() > 0)
            {
                lastProgress = System.nanoTime();
            }
            else if (System.nanoTime() - lastProgress > Duration.ofSeconds(quietSeconds).toNanos())
            {
                throw new AssertionError("no record for " + quietSeconds + " s after " + received + " of " + count);
            }
        }
    }

    /**
     * Reads to the current committed end of the partition (its last stable offset), checking what it finds.
     */
    void readToEnd()
    {
        final long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumer.position(partition, Duration.ofSeconds(30)) < end)
        {
            pollOnce();
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("could not read to offset " + end + " within 60 s");
            }
        }
        if (null != previous && end > previous.offset() + 1)
        {
            transactionEnd(previous); // its commit marker is at the next offset
        }
    }

    /** @return the transactions whose last record was checked (all of them, after {@link #readToEnd()}). */
    long transactionEnds()
    {
        return transactionEnds;
    }

    /** @return records that carry the queue header and do not end their transaction: none from format 2 on. */
    long identifiedInside()
    {
        return identifiedInside;
    }

    /** @return records that carry the position header and do not end their transaction: none in format 3. */
    long positionedInside()
    {
        return positionedInside;
    }

    private void transactionEnd(final ConsumerRecord<byte[], byte[]> record)
    {
        for (final String header : new String[] {TopicTail.POSITION_HEADER, TopicTail.QUEUE_HEADER})
        {
            if (null == record.headers().lastHeader(header))
            {
                throw new AssertionError("record at offset " + record.offset() + " ends a committed transaction without the " +
                    header + " header: a bridge starting on this topic would refuse it");
            }
        }
        transactionEnds++;
    }

    private int pollOnce()
    {
        int polled = 0;
        for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)).records(partition))
        {
            check(record);
            polled++;
        }
        return polled;
    }

    private void check(final ConsumerRecord<byte[], byte[]> record)
    {
        if (null != previous)
        {
            if (record.offset() != previous.offset() + 1)
            {
                transactionEnd(previous);
            }
            else
            {
                identifiedInside += null == previous.headers().lastHeader(TopicTail.QUEUE_HEADER) ? 0 : 1;
                positionedInside += null == previous.headers().lastHeader(TopicTail.POSITION_HEADER) ? 0 : 1;
            }
        }
        previous = record;
        final long seq = firstSeq + received;
        final byte[] value = record.value();
        view.wrap(value);
        final String wrong = messages.check(view, 0, value.length, seq);
        if (null != wrong)
        {
            throw new AssertionError("record at offset " + record.offset() + ": " + wrong + " (record " + seq +
                " should be message " + seq + ")");
        }
        final Header position = record.headers().lastHeader(TopicTail.POSITION_HEADER);
        final Header queue = record.headers().lastHeader(TopicTail.QUEUE_HEADER);
        final Header format = record.headers().lastHeader(TopicTail.FORMAT_HEADER);
        final String formatText = null == format ? null : new String(format.value(), StandardCharsets.UTF_8);
        if (null != format && (null == queue || !("3".equals(formatText) || "2".equals(formatText))))
        {
            throw new AssertionError("record at offset " + record.offset() + " says record format '" +
                new String(format.value(), StandardCharsets.UTF_8) + "'" + (null == queue ? " without the queue header" : ""));
        }
        if (null != position)
        {
            final long at = ByteBuffer.wrap(position.value()).getLong();
            if (at <= lastPosition)
            {
                throw new AssertionError("record at offset " + record.offset() + " carries position " + at +
                    ", not past the last position before it, " + lastPosition);
            }
            lastPosition = at;
        }
        if (null != queue && !queueId.equals(new String(queue.value(), StandardCharsets.UTF_8)))
        {
            throw new AssertionError("record at offset " + record.offset() + " is from queue '" +
                new String(queue.value(), StandardCharsets.UTF_8) + "', not '" + queueId + "'");
        }
        received++;
    }

    long lastPosition()
    {
        return lastPosition;
    }

    @Override
    public void close()
    {
        consumer.close();
    }
}
