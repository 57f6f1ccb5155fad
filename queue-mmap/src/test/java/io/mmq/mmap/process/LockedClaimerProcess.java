package io.mmq.mmap.process;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.mmq.mmap.layout.ConsumerSlotLayout;
import io.mmq.mmap.layout.LockLayout;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A group member that claims without compare-and-swap, as the Python reader does, caught in the middle
 * of its locked claim: it takes the group's claim lock and sets bit 0 of the Cursor (an atomic OR), prints
 * {@code LOCKED}, and waits for a line on standard input; then it clears the bit, giving the Cursor back
 * unmoved, and releases the lock. Killed instead, it dies holding the claim. Arguments: file groupSlot.
 */
public final class LockedClaimerProcess
{
    public static void main(final String[] args) throws Exception
    {
        final int groupSlot = Integer.parseInt(args[1]);
        final int cursor = ConsumerSlotLayout.slotOffset(groupSlot) + ConsumerSlotLayout.CURSOR_OFFSET;
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final FileLock lock = channel.lock(LockLayout.groupClaimLockOffset(groupSlot), 1, false);
            final MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, cursor + 8);
            final UnsafeBuffer buffer = new UnsafeBuffer(header);
            final long unlocked = buffer.getLongVolatile(cursor);
            buffer.getAndAddInt(cursor, (int)ConsumerSlotLayout.CURSOR_LOCKED_BIT); // bit 0 is clear: add is OR
            System.out.println("LOCKED cursor=" + unlocked);
            new BufferedReader(new InputStreamReader(System.in)).readLine();
            buffer.putLongVolatile(cursor, unlocked);
            lock.release();
            System.out.println("RELEASED");
        }
    }
}
