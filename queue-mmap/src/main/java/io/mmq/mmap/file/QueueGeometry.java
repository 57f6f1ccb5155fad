package io.mmq.mmap.file;

import io.mmq.mmap.layout.ConsumerSlotLayout;
import io.mmq.mmap.layout.FrameLayout;
import io.mmq.mmap.layout.HeaderLayout;

/**
 * The fixed shape of one queue file, as read from (or about to be written to) its header.
 *
 * @param evictionLag 0 if the producer waits for every consumer, else the lag in bytes past which it
 *                    evicts one.
 */
public record QueueGeometry(int capacity, int maxMessageLength, int consumerSlots, long evictionLag)
{
    public int ringOffset()
    {
        return HeaderLayout.ringOffset(consumerSlots);
    }

    public long fileLength()
    {
        return HeaderLayout.fileLength(consumerSlots, capacity);
    }

    public int maxFrameLength()
    {
        return FrameLayout.maxFrameLength(maxMessageLength);
    }

    public int slotOffset(final int slot)
    {
        return ConsumerSlotLayout.slotOffset(slot);
    }
}
