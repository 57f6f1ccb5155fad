package io.mmq.examples.samples.pubsub;

import io.mmq.QueueOptions;

/**
 * An order event, as the publisher writes it and every subscriber reads it. 24 bytes, little-endian:
 *
 * <pre>
 *  0  int64  sequence number, from 0: lets a subscriber check it missed nothing
 *  8  int64  System.nanoTime() at publication: one clock for every process on a machine
 * 16  int32  type: NEW, FILL or CANCEL
 * 20  int32  quantity
 * </pre>
 *
 * An empty message ends the stream.
 */
final class Event
{
    static final int SEQUENCE_OFFSET = 0;
    static final int PUBLISHED_AT_OFFSET = 8;
    static final int TYPE_OFFSET = 16;
    static final int QUANTITY_OFFSET = 20;
    static final int LENGTH = 24;

    static final int NEW = 0;
    static final int FILL = 1;
    static final int CANCEL = 2;
    static final String[] TYPE_NAMES = {"NEW", "FILL", "CANCEL"};

    /** Room for the publisher, three services and two late subscribers, with slots to spare. */
    static final QueueOptions QUEUE_OPTIONS = QueueOptions.defaults().withCapacity(1 << 20).withConsumerSlots(8);

    private Event()
    {
    }
}
