package io.mmq.mmap.reliability.jcstress;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static io.mmq.mmap.layout.ConsumerSlotLayout.ACTIVE;
import static io.mmq.mmap.layout.HeaderLayout.JOIN_POSITION_OFFSET;
import static io.mmq.mmap.reliability.jcstress.JoinHandshakeTest.CONSUMER_START;
import static io.mmq.mmap.reliability.jcstress.JoinHandshakeTest.NEW_JOIN;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.SLOT_POSITION;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.SLOT_STATE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * DELIBERATELY BROKEN, to show that {@link JoinHandshakeTest} can fail: both sides publish with ordered
 * (release) stores instead of volatile ones, so each store can wait in a store buffer while the load
 * after it runs, which x86 and ARM allow. jcstress must report this test FAILED;
 * {@code OrderingProtocolStressTest} checks that it does. Never part of the passing set.
 */
@JCStressTest
@Outcome(id = {"0, 8", "64, -1", "64, 8"}, expect = ACCEPTABLE, desc = "At least one side sees the other.")
@Outcome(id = "0, -1", expect = FORBIDDEN, desc = "Neither sees the other.")
@State
public class BrokenJoinHandshakeTest
{
    private final UnsafeBuffer memory = SharedQueueMemory.allocate();

    @Actor
    public void consumer(final JJ_Result r)
    {
        memory.putLongOrdered(SLOT_POSITION, CONSUMER_START);
        memory.putIntOrdered(SLOT_STATE, ACTIVE);
        r.r1 = memory.getLongVolatile(JOIN_POSITION_OFFSET);
    }

    @Actor
    public void producer(final JJ_Result r)
    {
        memory.putLongOrdered(JOIN_POSITION_OFFSET, NEW_JOIN);
        r.r2 = memory.getIntVolatile(SLOT_STATE) == ACTIVE ? memory.getLongVolatile(SLOT_POSITION) : -1;
    }
}
