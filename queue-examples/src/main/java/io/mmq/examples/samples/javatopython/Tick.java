package io.mmq.examples.samples.javatopython;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.mmq.QueueOptions;
import org.agrona.DirectBuffer;

/**
 * A price tick: the message the Java producer writes and the Python reader decodes. 44 bytes,
 * little-endian (the byte order of every machine mmq runs on), no padding:
 *
 * <pre>
 *  0  int64    sequence number, from 0
 *  8  int64    time, milliseconds since the epoch
 * 16  char[8]  symbol, ASCII, padded with spaces
 * 24  float64  bid price
 * 32  float64  ask price
 * 40  int32    size (shares)
 * </pre>
 *
 * In Python that is {@code struct.Struct("<qq8sddi")} (python/examples/price_ticks.py). An empty message
 * ends the stream.
 */
final class Tick
{
    static final int SEQUENCE_OFFSET = 0;
    static final int TIME_OFFSET = 8;
    static final int SYMBOL_OFFSET = 16;
    static final int SYMBOL_LENGTH = 8;
    static final int BID_OFFSET = 24;
    static final int ASK_OFFSET = 32;
    static final int SIZE_OFFSET = 40;
    static final int LENGTH = 44;

    static final QueueOptions QUEUE_OPTIONS = QueueOptions.defaults().withCapacity(64 * 1024).withConsumerSlots(4);

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Tick()
    {
    }

    /**
     * @return the tick at {@code offset} as one line, printed exactly so by the Python reader too.
     */
    static String describe(final DirectBuffer buffer, final int offset)
    {
        return String.format("tick %d  %s  %s  bid %.2f  ask %.2f  size %d",
            buffer.getLong(offset + SEQUENCE_OFFSET),
            TIME.format(Instant.ofEpochMilli(buffer.getLong(offset + TIME_OFFSET))),
            buffer.getStringWithoutLengthAscii(offset + SYMBOL_OFFSET, SYMBOL_LENGTH).strip(),
            buffer.getDouble(offset + BID_OFFSET), buffer.getDouble(offset + ASK_OFFSET),
            buffer.getInt(offset + SIZE_OFFSET));
    }
}
