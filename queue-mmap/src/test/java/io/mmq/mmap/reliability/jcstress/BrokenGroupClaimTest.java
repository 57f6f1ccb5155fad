package io.mmq.mmap.reliability.jcstress;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static io.mmq.mmap.layout.ConsumerSlotLayout.NO_CLAIM;
import static io.mmq.mmap.reliability.jcstress.GroupClaimHandshakeTest.CLAIM_END;
import static io.mmq.mmap.reliability.jcstress.GroupClaimHandshakeTest.CLAIM_START;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.GROUP_CURSOR;
import static io.mmq.mmap.reliability.jcstress.SharedQueueMemory.SLOT_POSITION;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link GroupClaimHandshakeTest} with the member's steps swapped: it wins the claim first and announces
 * it after. The producer can then see the member before the announcement and the Cursor after the swap,
 * on both of its reads. jcstress must report this variant as failing; if it does not, the harness cannot
 * see the race the real protocol closes.
 */
@JCStressTest
@Outcome(id = "1, 8", expect = ACCEPTABLE, desc = "The producer happened to be held at the claim.")
@Outcome(id = "1, 64", expect = FORBIDDEN, desc = "The claim is unprotected: the producer would reuse it.")
@State
public class BrokenGroupClaimTest
{
    private final UnsafeBuffer memory = SharedQueueMemory.allocate();

    public BrokenGroupClaimTest()
    {
        memory.putLong(SLOT_POSITION, NO_CLAIM);
        memory.putLong(GROUP_CURSOR, CLAIM_START);
    }

    @Actor
    public void member(final JJ_Result r)
    {
        r.r1 = memory.compareAndSetLong(GROUP_CURSOR, CLAIM_START, CLAIM_END) ? 1 : 0;
        memory.putLongVolatile(SLOT_POSITION, CLAIM_START); // announced too late
    }

    @Actor
    public void producer(final JJ_Result r)
    {
        r.r2 = GroupClaimHandshakeTest.producerReclaims(memory);
    }
}
