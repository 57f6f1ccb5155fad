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
import static io.mmq.mmap.layout.FrameLayout.typeAndLap;
import static io.mmq.mmap.reliability.jcstress.FramePublicationTest.MESSAGE;
import static io.mmq.mmap.reliability.jcstress.FramePublicationTest.POSITION;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.CAPACITY_SHIFT;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.FRAME_LENGTH;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.MASK;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.NEXT_FRAME;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.RING;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * DELIBERATELY BROKEN, to show that {@link FramePublicationTest} can fail: the producer commits the
 * frame length first and writes the frame after it. jcstress must report this test FAILED;
 * {@code OrderingProtocolStressTest} checks that it does. Never part of the passing set.
 */
@JCStressTest
@Outcome(id = "0, -1, -1, -1", expect = ACCEPTABLE, desc = "Not committed yet.")
@Outcome(id = "16, 1, 42, 0", expect = ACCEPTABLE, desc = "The whole frame.")
@Outcome(expect = FORBIDDEN, desc = "A committed length with the previous lap's bytes.")
@State
public class BrokenFrameCommittedFirstTest
{
    private final UnsafeBuffer memory = SharedQueueMemory.allocate();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);

    public BrokenFrameCommittedFirstTest()
    {
        FramePublicationTest.previousLap(memory);
        message.putLong(0, MESSAGE);
    }

    @Actor
    public void producer()
    {
        final int index = RING + (int)(POSITION & MASK);
        memory.putIntOrdered(index, FRAME_LENGTH); // the commit, too early
        memory.putInt(index + TYPE_AND_LAP_OFFSET, typeAndLap(TYPE_MESSAGE, POSITION, CAPACITY_SHIFT));
        memory.putBytes(index + HEADER_LENGTH, message, 0, 8);
        memory.putLong(RING + (int)((POSITION + NEXT_FRAME) & MASK), 0L);
    }

    @Actor
    public void consumer(final IIII_Result r)
    {
        FramePublicationTest.read(memory, r);
    }
}
