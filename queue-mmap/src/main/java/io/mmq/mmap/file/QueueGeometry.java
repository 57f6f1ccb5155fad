package io.mmq.mmap.file;

import io.mmq.mmap.layout.ConsumerSlotLayout;
import io.mmq.mmap.layout.FrameLayout;
import io.mmq.mmap.layout.HeaderLayout;

/**
 * The fixed shape of one queue file, as read from (or about to be written to) its header.
 */
public record QueueGeometry(int capacity, int maxMessageLength, int consumerSlots)
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
