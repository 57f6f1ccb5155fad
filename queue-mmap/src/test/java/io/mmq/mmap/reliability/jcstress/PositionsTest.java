package io.mmq.mmap.reliability.jcstress;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static io.mmq.mmap.layout.HeaderLayout.PRODUCER_POSITION_OFFSET;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.FRAME_LENGTH;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.MASK;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.NEXT_FRAME;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.RING;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The producer position never goes back and never runs ahead of the frames: whoever reads it (a consumer
 * joining at LATEST, {@code mmq stat}) finds every frame before it committed.
 *
 * <p>The producer commits two frames with the calls of {@code MappedProducer.commitFrame} (zero the next
 * header, commit the length, store the producer position, the last two ordered). The observer reads the
 * producer position twice (volatile) and then the length of the frame that ends at the first reading.
 * Results: both readings, and that length (-1 when the first reading is 0 and there is no such frame).
 */
@JCStressTest
@Outcome(id = {"0, 0, -1", "0, 16, -1", "0, 32, -1"}, expect = ACCEPTABLE, desc = "Read before the first frame.")
@Outcome(id = {"16, 16, 16", "16, 32, 16"}, expect = ACCEPTABLE, desc = "After the first frame, which is committed.")
@Outcome(id = "32, 32, 16", expect = ACCEPTABLE, desc = "After both frames; the second is committed.")
@Outcome(expect = FORBIDDEN, desc = "The position went back, or is ahead of an uncommitted frame.")
@State
public class PositionsTest
{
    private final UnsafeBuffer memory = SharedQueueMemory.allocate();

    @Actor
    public void producer()
    {
        commit(0);
        commit(NEXT_FRAME);
    }

    private void commit(final long position)
    {
        final long next = position + NEXT_FRAME;
        memory.putLong(RING + (int)(next & MASK), 0L);
        memory.putIntOrdered(RING + (int)(position & MASK), FRAME_LENGTH);
        memory.putLongOrdered(PRODUCER_POSITION_OFFSET, next);
    }

    @Actor
    public void observer(final III_Result r)
    {
        final long first = memory.getLongVolatile(PRODUCER_POSITION_OFFSET);
        final long second = memory.getLongVolatile(PRODUCER_POSITION_OFFSET);
        r.r1 = (int)first;
        r.r2 = (int)second;
        r.r3 = first == 0 ? -1 : memory.getIntVolatile(RING + (int)((first - NEXT_FRAME) & MASK));
    }
}
