package io.mmq.bridge.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.mmq.MmqException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a starting outbound bridge reads from the end of its topic, against a real broker: the last committed
 * record of either record format, and how far back it reads to find it. Records are written by hand
 * ({@link BridgeRecords}); the bridge writing them is in {@link KafkaOutboundProcessTest}.
 */
class TopicTailTest extends KafkaProcessTests
{
    private static final String QUEUE = "host:/dev/shm/q.mmq";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Properties client()
    {
        final Properties properties = new Properties();
        properties.put("bootstrap.servers", broker.bootstrapServers());
        return properties;
    }

    /** The windows {@code [from, upTo)} a read went through, in order. */
    private static final class Windows implements TopicTail.Windows
    {
        final List<long[]> read = new ArrayList<>();

        @Override
        public void reading(final long from, final long upTo)
        {
            read.add(new long[] {from, upTo});
        }

        String text()
        {
            final StringBuilder text = new StringBuilder();
            read.forEach(window -> text.append('[').append(window[0]).append(", ").append(window[1]).append(") "));
            return text.toString();
        }
    }

    private static TopicTail read(final String topic, final Windows windows)
    {
        return TopicTail.read(client(), topic, TIMEOUT, windows);
    }

    /** Format 3 is this bridge's; 2 the bridges' of the release before (the position on every record); 1 older ones'. */
    @ParameterizedTest(name = "record format {0}")
    @ValueSource(ints = {3, 2, 1})
    void theLastTransactionsLastRecordGivesThePositionAndTheQueueFromTheLastTwoOffsets(final int format) throws Exception
    {
        final String topic = "tail-format-" + format;
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        final long last;
        try (BridgeRecords records = new BridgeRecords(broker.bootstrapServers(), topic, QUEUE))
        {
            records.transaction(format, 64, 10, true);
            last = records.transaction(format, 64 * 11, 10, true);
        }
        final Windows windows = new Windows();
        final TopicTail tail = read(topic, windows);
        assertEquals(last, tail.offset());
        assertEquals(64 * 11 + 64 * 9, tail.position());
        assertEquals(QUEUE, tail.queueId());
        assertEquals(format, tail.format());
        assertEquals("[" + last + ", " + (last + 2) + ") ", windows.text(), "the record and its commit marker");
    }

    @Test
    void aTopicWrittenByAnotherWriterIsRefusedNamingTheTopicAfterReadingOnlyItsLastTwoOffsets() throws Exception
    {
        // Twenty thousand records without a bridge's headers: reading back to the first would take 20,000
        // offsets; the last one already says the topic is not a bridge's.
        final String topic = "tail-not-a-bridge";
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        final long last = TopicWriter.write(broker.bootstrapServers(), topic, 1, 64, 20_000, false);
        BridgeRecords.awaitStable(broker.bootstrapServers(), topic);
        final Windows windows = new Windows();
        final MmqException refused = assertThrows(MmqException.class, () -> read(topic, windows));
        assertEquals("the last record of topic " + topic + " (offset " + last + ") was not written by an mmq bridge " +
            "(no mmq.position header): the bridge writes only into a topic it alone writes", refused.getMessage());
        assertEquals("[" + last + ", " + (last + 2) + ") ", windows.text(), "read only the last two offsets");

        // The same after a bridge's records: another writer at the tail is refused at once, even though the
        // identity is a few offsets back.
        final String after = "tail-after-a-bridge";
        TopicWriter.createTopic(broker.bootstrapServers(), after, 1);
        final long other;
        try (BridgeRecords bridge = new BridgeRecords(broker.bootstrapServers(), after, QUEUE))
        {
            bridge.transaction(3, 64, 10, true);
            other = bridge.transaction(BridgeRecords.NOT_A_BRIDGE, 0, 3, true);
        }
        final Windows afterWindows = new Windows();
        assertThrows(MmqException.class, () -> read(after, afterWindows));
        assertEquals("[" + other + ", " + (other + 2) + ") ", afterWindows.text());
    }

    @Test
    void aLastRecordWithAPositionButNoQueueIsRefusedWithoutLookingBackForOne() throws Exception
    {
        // A bridge's records before it, the queue's identity a few offsets back; the last transaction's records
        // carry only positions, as no bridge writes them.
        final String topic = "tail-position-only";
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        final long last;
        try (BridgeRecords records = new BridgeRecords(broker.bootstrapServers(), topic, QUEUE))
        {
            records.transaction(1, 64, 10, true);
            last = records.transaction(BridgeRecords.POSITION_ONLY, 64 * 11, 10, true);
        }
        final Windows windows = new Windows();
        final MmqException refused = assertThrows(MmqException.class, () -> read(topic, windows));
        assertEquals("the last record of topic " + topic + " (offset " + last + ") has an mmq.position header but no " +
            "mmq.queue header, which every mmq bridge puts on the last record of each transaction: it was not written by " +
            "an mmq bridge; the bridge writes only into a topic it alone writes", refused.getMessage());
        assertEquals("[" + last + ", " + (last + 2) + ") ", windows.text());
    }

    @Test
    void theLastRecordsCreationIdNamesTheQueueFileAndOneOfAnotherLengthIsRefused() throws Exception
    {
        final String topic = "tail-creation";
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        try (BridgeRecords records = new BridgeRecords(broker.bootstrapServers(), topic, QUEUE))
        {
            records.transaction(3, 64, 10, true);
            assertEquals(io.mmq.MessageQueue.NO_CREATION_ID, read(topic, new Windows()).creationId(), "none said");
            records.withCreation(TopicTail.headerValue(0x0123_4567_89ab_cdefL)).transaction(3, 64 * 11, 10, true);
            assertEquals(0x0123_4567_89ab_cdefL, read(topic, new Windows()).creationId());
            final long last = records.withCreation(new byte[4]).transaction(3, 64 * 21, 10, true);
            final MmqException refused = assertThrows(MmqException.class, () -> read(topic, new Windows()));
            assertEquals("the last record of topic " + topic + " (offset " + last + ") has an mmq.creation header of 4 " +
                "bytes, not 8: it was not written by an mmq bridge; the bridge writes only into a topic it alone writes",
                refused.getMessage());
        }
    }

    @Test
    void aRecordFormatThisBridgeDoesNotKnowIsRefused() throws Exception
    {
        final String topic = "tail-format-unknown";
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        final long last;
        try (BridgeRecords records = new BridgeRecords(broker.bootstrapServers(), topic, QUEUE))
        {
            records.transaction(3, 64, 10, true);
            last = records.transaction(3, 64 * 11, 10, true, "4");
        }
        final MmqException refused = assertThrows(MmqException.class, () -> read(topic, new Windows()));
        assertEquals("the last record of topic " + topic + " (offset " + last + ") is in record format '4' " +
            "(mmq.record-format), which this bridge does not know: it reads formats 1 to 3; a newer bridge wrote the " +
            "topic", refused.getMessage());
    }

    @Test
    void aLongAbortedTailIsReadBackwardsInWindowsThatNeverOverlapAndNeverExceedTheLargest() throws Exception
    {
        // The last committed record, then 20,000 aborted records in four transactions (a bridge that failed
        // four times, each time with a large transaction open): the read must go back over all of them, a window
        // at a time, reading each offset once.
        final String topic = "tail-aborted";
        TopicWriter.createTopic(broker.bootstrapServers(), topic, 1);
        final long last;
        try (BridgeRecords records = new BridgeRecords(broker.bootstrapServers(), topic, QUEUE))
        {
            records.transaction(3, 64, 10, true);
            last = records.transaction(3, 64 * 11, 5, true);
            for (int i = 0; i < 4; i++)
            {
                records.transaction(3, 64 * 16, 5_000, false);
            }
        }
        final Windows windows = new Windows();
        final TopicTail tail = read(topic, windows);
        assertEquals(last, tail.offset());
        assertEquals(64 * 11 + 64 * 4, tail.position());

        final long end = last + 2 + 4 * 5_001; // its commit marker, then four transactions and their abort markers
        long upTo = end;
        long window = 2;
        for (final long[] read : windows.read)
        {
            assertEquals(upTo, read[1], "each window ends where the one before began: " + windows.text());
            assertTrue(read[1] - read[0] <= TopicTail.MAX_WINDOW, "no window is larger than the largest: " + windows.text());
            assertEquals(Math.min(window, upTo), read[1] - read[0], "windows of 2, 32, 512, then the largest, the last " +
                "one cut at the topic's first offset (0): " + windows.text());
            upTo = read[0];
            window = Math.min(TopicTail.MAX_WINDOW, window * 16);
        }
        assertTrue(upTo <= last, "the last window holds the record: " + windows.text());
        assertTrue(upTo > last - TopicTail.MAX_WINDOW, "and the read stops there: " + windows.text());
    }
}
