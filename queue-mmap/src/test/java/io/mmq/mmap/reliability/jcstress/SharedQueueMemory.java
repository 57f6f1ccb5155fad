package io.mmq.mmap.reliability.jcstress;

import java.nio.ByteBuffer;

import io.mmq.mmap.layout.ConsumerSlotLayout;
import io.mmq.mmap.layout.FrameLayout;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The memory one jcstress case races on: a miniature queue file laid out with the real offsets (the
 * header, one consumer slot, and a window of ring), off-heap like the mapping, through the same
 * {@link UnsafeBuffer} accessors the producer and consumer use. A whole queue file per case would be
 * too slow (jcstress runs millions of cases), and the ordering the tests check lives entirely in
 * which accessor each side uses in which order, not in the kind of memory.
 */
final class SharedQueueMemory
{
    /** A ring is 4 KiB: the smallest capacity, so lap bits change every 4096 bytes. */
    static final int CAPACITY_SHIFT = 12;
    static final int CAPACITY = 1 << CAPACITY_SHIFT;
    static final int MASK = CAPACITY - 1;

    static final int SLOT = ConsumerSlotLayout.slotOffset(0);
    static final int SLOT_STATE = SLOT + ConsumerSlotLayout.STATE_OFFSET;
    static final int SLOT_POSITION = SLOT + ConsumerSlotLayout.POSITION_OFFSET;

    /** Where the window of ring starts in this memory; frames in it are at ring offset 0 onwards. */
    static final int RING = SLOT + ConsumerSlotLayout.SLOT_LENGTH;
    private static final int RING_WINDOW = 64;

    /**
     * A consumer group's Cursor, for the group tests, in a second slot after the ring window (the slot
     * above stands for the group's member).
     */
    static final int GROUP_CURSOR = RING + RING_WINDOW + ConsumerSlotLayout.CURSOR_OFFSET;

    /** A message frame of 8 payload bytes: the frame length the producer commits. */
    static final int FRAME_LENGTH = FrameLayout.HEADER_LENGTH + 8;
    static final int NEXT_FRAME = FrameLayout.alignedLength(FRAME_LENGTH);

    private SharedQueueMemory()
    {
    }

    static UnsafeBuffer allocate()
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(RING + RING_WINDOW + ConsumerSlotLayout.SLOT_LENGTH));
    }
}
