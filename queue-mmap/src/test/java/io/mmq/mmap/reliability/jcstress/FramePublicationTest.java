package io.mmq.mmap.reliability.jcstress;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static io.mmq.mmap.layout.FrameLayout.HEADER_LENGTH;
import static io.mmq.mmap.layout.FrameLayout.TYPE_AND_LAP_OFFSET;
import static io.mmq.mmap.layout.FrameLayout.TYPE_MESSAGE;
import static io.mmq.mmap.layout.FrameLayout.alignedLength;
import static io.mmq.mmap.layout.FrameLayout.lapBits;
import static io.mmq.mmap.layout.FrameLayout.typeAndLap;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.CAPACITY;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.CAPACITY_SHIFT;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.FRAME_LENGTH;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.MASK;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.NEXT_FRAME;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.RING;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A consumer never sees a frame's length before its type, lap, message and the zeroed header after it.
 *
 * <p>The producer writes a frame one lap into the ring, over the bytes of the previous lap's frame (old
 * lap bits, old message, and a committed frame after it), with the calls of {@code MappedProducer.offer}
 * and {@code commitFrame}, in their order. The consumer reads with the calls of
 * {@code MappedConsumer.poll} and {@code FrameReader.checkedType}. Results: the frame length seen, the
 * frame type after removing this lap's bits (1 = a message of this lap), the message, and the length
 * word where the next frame will go.
 */
@JCStressTest
@Outcome(id = "0, -1, -1, -1", expect = ACCEPTABLE, desc = "Not committed yet: the consumer waits.")
@Outcome(id = "16, 1, 42, 0", expect = ACCEPTABLE,
    desc = "Committed: this lap's frame and message, and a zero where the next frame will go.")
@Outcome(expect = FORBIDDEN,
    desc = "A committed length with the previous lap's bytes: a torn or stale message, or a successor " +
        "from the previous lap that the consumer would read next.")
@State
public class FramePublicationTest
{
    static final long STALE_MESSAGE = 7;
    static final long MESSAGE = 42;

    /** One lap in: the window holds what the previous lap left. */
    static final long POSITION = CAPACITY;

    private final UnsafeBuffer memory = SharedQueueMemory.allocate();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);

    public FramePublicationTest()
    {
        previousLap(memory);
        message.putLong(0, MESSAGE);
    }

    /**
     * The previous lap's frame at this offset and a committed one after it. Its length word here is zero:
     * the producer zeroed it when it committed the frame before this position.
     */
    static void previousLap(final UnsafeBuffer memory)
    {
        final long previous = POSITION - CAPACITY;
        memory.putInt(RING + TYPE_AND_LAP_OFFSET, typeAndLap(TYPE_MESSAGE, previous, CAPACITY_SHIFT));
        memory.putLong(RING + HEADER_LENGTH, STALE_MESSAGE);
        memory.putInt(RING + NEXT_FRAME, FRAME_LENGTH);
        memory.putInt(RING + NEXT_FRAME + TYPE_AND_LAP_OFFSET,
            typeAndLap(TYPE_MESSAGE, previous + NEXT_FRAME, CAPACITY_SHIFT));
    }

    @Actor
    public void producer()
    {
        // MappedProducer.offer: type and lap, then the message (plain stores).
        final int index = RING + (int)(POSITION & MASK);
        memory.putInt(index + TYPE_AND_LAP_OFFSET, typeAndLap(TYPE_MESSAGE, POSITION, CAPACITY_SHIFT));
        memory.putBytes(index + HEADER_LENGTH, message, 0, 8);
        // MappedProducer.commitFrame: zero the next header (plain), then the commit (ordered).
        final long next = POSITION + alignedLength(FRAME_LENGTH);
        memory.putLong(RING + (int)(next & MASK), 0L);
        memory.putIntOrdered(index, FRAME_LENGTH);
    }

    @Actor
    public void consumer(final IIII_Result r)
    {
        read(memory, r);
    }

    /**
     * What {@code MappedConsumer.poll} does at {@link #POSITION}: a volatile load of the length; if it is
     * not zero, the type-and-lap word and the message (plain), then on to the next frame (volatile).
     */
    static void read(final UnsafeBuffer memory, final IIII_Result r)
    {
        final int index = RING + (int)(POSITION & MASK);
        final int frameLength = memory.getIntVolatile(index);
        if (frameLength == 0)
        {
            r.r1 = 0;
            r.r2 = -1;
            r.r3 = -1;
            r.r4 = -1;
            return;
        }
        r.r1 = frameLength;
        r.r2 = memory.getInt(index + TYPE_AND_LAP_OFFSET) ^ lapBits(POSITION, CAPACITY_SHIFT);
        r.r3 = (int)memory.getLong(index + HEADER_LENGTH);
        r.r4 = memory.getIntVolatile(RING + (int)((POSITION + alignedLength(frameLength)) & MASK));
    }
}
