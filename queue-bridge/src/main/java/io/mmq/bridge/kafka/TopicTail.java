package io.mmq.bridge.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.mmq.MessageQueue;
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
 * <p>The topic's record format ({@code docs/bridge.md}, <i>The topic's records</i>): in format 3, the last
 * record of every committed transaction carries {@link #POSITION_HEADER}, {@link #QUEUE_HEADER},
 * {@link #FORMAT_HEADER} and (for a queue file of format 7 on) {@link #CREATION_HEADER}, and the other
 * records no header. Format 2 put the position on every record too; format 1 (bridges before the header
 * said a format) the position and the queue's identity on every record. In every format the last committed
 * record of the partition is the last of its transaction, so it alone says where the topic ends and which
 * queue fed it: retention, which removes records from the start of the log, leaves it as long as any
 * record is left, and no reader ever has to look further back.
 *
 * <p>Read with {@code isolation.level=read_committed}, so records of aborted transactions do not count.
 * Every transaction ends with a control record (its commit or abort marker), which a consumer never
 * returns, so the last offset of the partition is not a data record: the reader reads backwards in windows
 * that do not overlap, the last 2 offsets, the 32 before them, then 512, then {@link #MAX_WINDOW} at a time,
 * until a window holds a committed data record (the last it holds is the one) or the partition's first
 * offset is reached. A window is read only if every offset after it is an aborted record or a marker, and
 * no window is larger than {@link #MAX_WINDOW} offsets. A last record that is not a bridge's ends the read at
 * once: nothing before it can make it one.
 */
public final class TopicTail
{
    /**
     * Header carrying the queue position just after the message (what a commit through it stores), 8 bytes
     * big-endian: on the last record of each transaction (formats 1 and 2: on every record).
     */
    public static final String POSITION_HEADER = "mmq.position";
    /** Header carrying the source queue's identity, UTF-8: on the last record of each transaction (format 1: on every record). */
    public static final String QUEUE_HEADER = "mmq.queue";
    /**
     * Header carrying the source queue's creation id ({@code MessageQueue.creationId()}), 8 bytes big-endian,
     * beside {@link #QUEUE_HEADER} from format 2 on; absent in format 1, and for a queue file older than format 7,
     * which has none.
     */
    public static final String CREATION_HEADER = "mmq.creation";
    /** Header carrying the topic's record format, decimal text ("3"), beside {@link #QUEUE_HEADER}; absent in format 1. */
    public static final String FORMAT_HEADER = "mmq.record-format";
    /** The record format this bridge writes. */
    public static final int FORMAT = 3;
    /** The largest window of offsets read at once. */
    static final long MAX_WINDOW = 8192;

    static final byte[] FORMAT_BYTES = String.valueOf(FORMAT).getBytes(StandardCharsets.UTF_8);

    /** A seam for tests: told each window of offsets {@code [from, upTo)} as the read begins it. */
    interface Windows
    {
        void reading(long from, long upTo);
    }

    private final long offset;
    private final long position;
    private final String queueId;
    private final long creationId;
    private final int format;

    private TopicTail(final long offset, final long position, final String queueId, final long creationId,
        final int format)
    {
        this.offset = offset;
        this.position = position;
        this.queueId = queueId;
        this.creationId = creationId;
        this.format = format;
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
     * @return the creation id of the queue file the record came from, or {@code MessageQueue.NO_CREATION_ID}
     *         (0) if the record does not say (format 1, a queue file older than format 7).
     */
    public long creationId()
    {
        return creationId;
    }

    /** @return the record format the record was written in: 1 (no {@link #FORMAT_HEADER}), 2 or 3. */
    public int format()
    {
        return format;
    }

    /**
     * @return the last committed record of partition 0 of {@code topic}, or null if it has none.
     * @throws MmqException if that record was not written by an mmq bridge, or by one of a record format this
     *         bridge does not know.
     * @throws org.apache.kafka.common.KafkaException (a TimeoutException, say) if Kafka does not answer.
     */
    public static TopicTail read(final Properties clientProperties, final String topic, final Duration timeout)
    {
        return read(clientProperties, topic, timeout, (from, upTo) -> { });
    }

    static TopicTail read(final Properties clientProperties, final String topic, final Duration timeout,
        final Windows windows)
    {
        final Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put("isolation.level", "read_committed");
        properties.put("enable.auto.commit", "false");
        properties.put("client.id", "mmq-bridge-tail");
        properties.put("default.api.timeout.ms", String.valueOf(timeout.toMillis()));
        properties.put("max.poll.records", "1000");
        properties.put("allow.auto.create.topics", "false");
        // Every position is a seek of ours: one that retention removed meanwhile is an error (the session starts
        // again and reads the first offset anew), never a silent jump to the end that would read as "no record".
        properties.put("auto.offset.reset", "none");
        final TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            consumer.assign(List.of(partition));
            final long begin = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
            // Under read_committed: the last stable offset, before any transaction still open.
            final long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long upTo = end;
            long window = 2;
            while (upTo > begin)
            {
                final long from = Math.max(begin, upTo - window);
                windows.reading(from, upTo);
                final ConsumerRecord<byte[], byte[]> last = lastIn(consumer, partition, from, upTo, timeout);
                if (null != last)
                {
                    return of(topic, last);
                }
                upTo = from;
                window = Math.min(MAX_WINDOW, window * 16);
            }
            return null;
        }
    }

    /** The last committed data record in {@code [from, upTo)}, or null if there is none (only aborted records, markers). */
    private static ConsumerRecord<byte[], byte[]> lastIn(final KafkaConsumer<byte[], byte[]> consumer,
        final TopicPartition partition, final long from, final long upTo, final Duration timeout)
    {
        consumer.seek(partition, from);
        ConsumerRecord<byte[], byte[]> last = null;
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(partition, timeout) < upTo)
        {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100)).records(partition))
            {
                if (record.offset() < upTo)
                {
                    last = record;
                }
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new org.apache.kafka.common.errors.TimeoutException("reading offsets " + from + " to " + upTo +
                    " of " + partition + " took more than " + timeout.toMillis() + " ms");
            }
        }
        return last;
    }

    private static TopicTail of(final String topic, final ConsumerRecord<byte[], byte[]> record)
    {
        final Header position = record.headers().lastHeader(POSITION_HEADER);
        if (null == position || position.value().length != Long.BYTES)
        {
            throw new MmqException("the last record of topic " + topic + " (offset " + record.offset() + ") was not " +
                "written by an mmq bridge (no " + POSITION_HEADER + " header): the bridge writes only into a topic it " +
                "alone writes");
        }
        final Header formatHeader = record.headers().lastHeader(FORMAT_HEADER);
        final int format = null == formatHeader ? 1 : format(formatHeader.value());
        if (null != formatHeader && (format < 2 || format > FORMAT)) // format 1 has no header
        {
            throw new MmqException("the last record of topic " + topic + " (offset " + record.offset() + ") is in record " +
                "format '" + new String(formatHeader.value(), StandardCharsets.UTF_8) + "' (" + FORMAT_HEADER + "), which " +
                "this bridge does not know: it reads formats 1 to " + FORMAT +
                (format > FORMAT ? "; a newer bridge wrote the topic" : "; no mmq bridge writes it"));
        }
        final Header queue = record.headers().lastHeader(QUEUE_HEADER);
        if (null == queue)
        {
            // Every bridge puts the identity on the last record of each transaction, so the last committed record
            // of a bridge's topic has it: looking further back could only find another writer's.
            throw new MmqException("the last record of topic " + topic + " (offset " + record.offset() + ") has an " +
                POSITION_HEADER + " header but no " + QUEUE_HEADER + " header, which every mmq bridge puts on the last " +
                "record of each transaction: it was not written by an mmq bridge; the bridge writes only into a topic " +
                "it alone writes");
        }
        final Header creation = record.headers().lastHeader(CREATION_HEADER);
        if (null != creation && creation.value().length != Long.BYTES)
        {
            throw new MmqException("the last record of topic " + topic + " (offset " + record.offset() + ") has an " +
                CREATION_HEADER + " header of " + creation.value().length + " bytes, not " + Long.BYTES + ": it was not " +
                "written by an mmq bridge; the bridge writes only into a topic it alone writes");
        }
        return new TopicTail(record.offset(), ByteBuffer.wrap(position.value()).getLong(),
            new String(queue.value(), StandardCharsets.UTF_8),
            null == creation ? MessageQueue.NO_CREATION_ID : ByteBuffer.wrap(creation.value()).getLong(), format);
    }

    /** @return the format the header's decimal text says, or -1 if it is not one. */
    private static int format(final byte[] value)
    {
        try
        {
            return Integer.parseInt(new String(value, StandardCharsets.UTF_8));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /** @return {@code value} as 8 bytes big-endian: the form of {@link #POSITION_HEADER} and {@link #CREATION_HEADER}. */
    static byte[] headerValue(final long value)
    {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    @Override
    public String toString()
    {
        return "offset " + offset + ", position " + position + " of " + queueId + " (creation id " +
            String.format("%016x", creationId) + ", record format " + format + ")";
    }
}
